"""Refused and failed SCIM writes in the audit trail (issue 11, "Seen and audited").

A write that reaches Secret Server is audited by the store that makes it (``scim_write``: intent row,
the Secret Server write, outcome row, whatever the outcome). A write refused *before* that point leaves no
such rows: a 409 ``uniqueness`` found by the pre-check, a 400 ``invalidValue``/``mutability`` (a body the
schema refuses, an immutable userName, a directory user), a 412 ``If-Match`` mismatch, a 404 on the target,
a 403 from Secret Server while reading the target, a 5xx while reading it. ``write_refusal_record`` writes
one row for each of those, with the endpoint as actor, the SCIM operation, the Secret Server object it
aimed at and the outcome the audit trail defines: ``denied`` for 401/403, ``failure`` for other 4xx,
``error`` for 5xx. The message carries the status, ``scimType`` and the detail the identity provider got
(the service's own wording, never a request body; the audit scrubs secrets anyway); passwords never.

Fail closed, as every other audit row: if the row cannot be written, ``AuditWriteError`` propagates and the
request answers 500 instead of the refusal, and in a Bulk request no later operation runs. The refused
write itself never happened, so nothing is left unaudited in Secret Server.
"""
from __future__ import annotations

import re

from connector.models import AuditOutcome
from connector.services.audit import AuditWriteError, audit_record
from scim.errors import MSG_INTERNAL
from scim.services.context import ScimContext

# The Secret Server object each resource type stands for (as the stores' own audit rows name it).
TARGET_TYPES = {"User": "ss_user", "Group": "ss_group", "Container": "ss_folder",
                "ContainerPermission": "ss_folder_permission", "PrivilegedData": "ss_secret",
                "PrivilegedDataPermission": "ss_secret_permission"}
VERBS = {"POST": "create", "PUT": "update", "PATCH": "update", "DELETE": "delete"}
MSG_REFUSED = "{method} {path} refused: {status}{scim_type}: {detail}"


def write_action(resource_type: str, method: str) -> str:
    """``scim.user.create``, ``scim.container_permission.update``: the stores' own action names."""
    snake = re.sub(r"(?<!^)(?=[A-Z])", "_", resource_type).lower()
    return f"scim.{snake}.{VERBS.get(method.upper(), method.lower())}"


def refusal_outcome(status: int) -> str:
    if status in (401, 403):
        return AuditOutcome.DENIED
    return AuditOutcome.FAILURE if status < 500 else AuditOutcome.ERROR


def write_refusal_record(ctx: ScimContext, *, method: str, resource_type: str, path: str, resource_id: str,
                         status: int, scim_type: str = "", detail: str = "") -> None:
    """One audit row for a SCIM write that was refused before any Secret Server write (fail closed)."""
    message = MSG_REFUSED.format(method=method.upper(), path=path, status=status,
                                 scim_type=f" {scim_type}" if scim_type else "", detail=detail or "-")
    audit_record(action=write_action(resource_type, method), outcome=refusal_outcome(status),
                 actor_name=ctx.actor_name, request=ctx.request,
                 target_type=TARGET_TYPES.get(resource_type, resource_type.lower()),
                 target_id=resource_id if str(resource_id or "").isdigit() else "",
                 target_repr=str(resource_id or "")[:200], message=message[:1000],
                 after={"status": status, "scimType": scim_type or None})


def refusal_unaudited(ctx: ScimContext, mark: int, exc: BaseException | None = None) -> bool:
    """No store audited this operation since ``mark`` (and the failure is not the audit itself)."""
    return ctx.write_audits == mark and not isinstance(exc, AuditWriteError)


def scim_error_of(exc: BaseException):
    """The SCIM error the identity provider gets for ``exc`` (scim2-server's rule: anything else is a 500)."""
    from scim2_models import Error, SCIMException

    return exc.to_error() if isinstance(exc, SCIMException) else Error(status=500, detail=MSG_INTERNAL)


def write_watched(ctx: ScimContext, *, method: str, resource_type: str, path: str, resource_id: str, run):
    """Run one write outside scim2-server's handler (the vendor's PrivilegedData routes), auditing a refusal."""
    from scim.service import clean_detail

    mark = ctx.write_audits
    try:
        return run()
    except Exception as exc:
        if refusal_unaudited(ctx, mark, exc):
            error = scim_error_of(exc)
            write_refusal_record(ctx, method=method, resource_type=resource_type, path=path,
                                 resource_id=resource_id, status=int(error.status or 500),
                                 scim_type=str(error.scim_type or ""), detail=clean_detail(str(error.detail or "")))
        raise
