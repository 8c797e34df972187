"""scim2-server's handler with the connector's audit of refused writes (scim/services/write_audit.py).

Every write operation (POST, PUT, PATCH, DELETE, and each Bulk operation) is watched: when it fails and no
store wrote its own audit rows for it (the refusal came before any Secret Server write: a 409 pre-check,
a 400 body or mutability refusal, a 412 ``If-Match`` mismatch, a 404 or 403 on the target), one audit
row records the refusal, before the answer leaves. Reads are not audited here (the request log has them).
"""
from __future__ import annotations

from scim2_server.handler import ScimHandler

from scim.service import clean_detail
from scim.services.context import ScimContext
from scim.services.write_audit import refusal_unaudited, scim_error_of, write_refusal_record


class AuditingScimHandler(ScimHandler):
    def __init__(self, service, storage, ctx: ScimContext):
        super().__init__(service, storage)
        self.ctx = ctx

    def create(self, request):
        return self._watched(request, super().create)

    def replace(self, request):
        return self._watched(request, super().replace)

    def patch(self, request):
        return self._watched(request, super().patch)

    def delete(self, request):
        return self._watched(request, super().delete)

    def _watched(self, request, serve):
        mark = self.ctx.write_audits
        try:
            return serve(request)
        except Exception as exc:
            if refusal_unaudited(self.ctx, mark, exc):
                try:
                    target = self.service.match(request)
                    endpoint, resource_id = target.endpoint or "", target.resource_id or ""
                except Exception:  # the route itself was refused: name what the client asked for
                    endpoint, _, resource_id = (request.path or "").strip("/").partition("/")
                self._record(request.method, endpoint, resource_id, scim_error_of(exc))
            raise

    def run_bulk_step(self, request, plan, step):
        """One audit row per refused Bulk operation (a failed row stops the Bulk: fail closed)."""
        mark = self.ctx.write_audits
        result, resource = super().run_bulk_step(request, plan, step)
        if int(result.get("status") or 0) >= 400 and refusal_unaudited(self.ctx, mark):
            operation = plan.operation(step)
            endpoint, _, resource_id = (operation.path or "").strip("/").partition("/")
            method = str(getattr(operation.method, "value", operation.method) or "")
            self._record(method, "/" + endpoint, resource_id, result.get("response"))
        return result, resource

    def _record(self, method: str, endpoint: str, resource_id: str, error) -> None:
        endpoint = "/" + endpoint.strip("/")
        try:
            resource_type = self.service.resource_type_at(endpoint).name
        except Exception:  # an operation on an endpoint that does not exist: the type is the path's
            resource_type = endpoint.strip("/") or "unknown"
        status = int(getattr(error, "status", None) or 500)
        path = endpoint + (f"/{resource_id}" if resource_id else "")
        write_refusal_record(self.ctx, method=method, resource_type=resource_type, path=path,
                             resource_id=resource_id, status=status,
                             scim_type=str(getattr(error, "scim_type", None) or ""),
                             detail=clean_detail(str(getattr(error, "detail", None) or "")))
