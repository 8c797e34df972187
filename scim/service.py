"""scim2-server's protocol service, adjusted to what identity providers expect of this connector."""
from __future__ import annotations

import functools
import re
from http import HTTPStatus

from scim2_models import Context, Path, Reference
from scim2_server.responses import ScimResponse
from scim2_server.service import ScimService
from scim2_server.utils import parametrize

from scim.errors import ServiceUnavailableException, TooManyRequestsException, bulk_payload_too_large


def clean_detail(detail: str) -> str:
    """A validation message without the library's internals (pydantic's model names, type codes and URLs).

    ``1 validation error for User[EnterpriseUser]\nactive\n  Input should be a valid boolean ... [type=...]``
    becomes ``active: Input should be a valid boolean ...``.
    """
    if "validation error" not in detail and "errors.pydantic.dev" not in detail:
        return detail
    lines = [line.strip() for line in detail.splitlines()]
    lines = [line for line in lines if line and "validation error" not in line and "errors.pydantic.dev" not in line]
    parts, location = [], ""
    for line in lines:
        message = re.sub(r"\s*\[type=[^\]]*\]", "", line).strip()
        if line.startswith(("Input", "Value", "value", "Field", "Extra", "String", "List", "Invalid")) or "[type=" in line:
            parts.append(f"{location}: {message}" if location else message)
            location = ""
        else:
            location = message
    return "; ".join(parts)[:300] or "The request is invalid."


class ConnectorScimService(ScimService):
    def publish(self, base_url, resource):
        """The library's ``publish`` without its deep copy: our storages build a new resource for every request
        and keep none (scim/storage.py), so the copy protected nothing and cost about a third of a lookup's
        response time (cProfile, bench/scim_throughput.py). Location, version and references as the library
        sets them; publishing twice gives the same result (absolute references are kept)."""
        assert resource.meta is not None and resource.id is not None
        update = {"location": self.resource_location(base_url, self.get_resource_type_of(resource), resource.id)}
        if not self.etag_supported:
            update["version"] = None
        resource.meta = resource.meta.model_copy(update=update)
        self._publish_references(base_url, resource)
        return resource

    def _publish_references(self, base_url, resource) -> None:
        """The library's reference publishing with the per-model plan worked out once per process: which
        attributes hold references to resources, found by walking and resolving the model's paths, depends
        on the model only, and that walk was most of a listed resource's cost (cProfile, full walk)."""
        def locate(reference):
            if isinstance(reference, list):
                return [locate(item) for item in reference]
            if reference is None:
                return None
            return self.reference_location(base_url, reference)

        for path, head, sub_field in _reference_plan(type(resource)):
            if head is None:
                path.set(resource, locate(path.get(resource)), strict=False)
                continue
            entries = head.get(resource)
            for entry in entries if isinstance(entries, list) else [entries]:
                if entry is not None:
                    setattr(entry, sub_field, locate(getattr(entry, sub_field)))

    def patch_response(self, base_url, resource, response_parameters) -> ScimResponse:
        """200 with the resource, always: Okta, Entra's probes and scim2-tester expect it (the default is 204)."""
        return self.resource_response(self.publish(base_url, resource), Context.RESOURCE_REPLACEMENT_RESPONSE,
                                      response_parameters)

    @staticmethod
    def payload_too_large(limit: int):
        return bulk_payload_too_large(limit)

    def error_response(self, exception: Exception) -> ScimResponse:
        response = super().error_response(exception)
        if response.body and isinstance(response.body.get("detail"), str):
            response.body["detail"] = clean_detail(response.body["detail"])
        if isinstance(exception, (ServiceUnavailableException, TooManyRequestsException)):
            response.headers["Retry-After"] = str(exception.retry_after)
        if response.status == HTTPStatus.UNAUTHORIZED:
            response.headers["WWW-Authenticate"] = 'Bearer realm="SCIM"'
        return response


@functools.lru_cache(maxsize=64)
def _reference_plan(model) -> tuple:
    """(path, head path or None, sub-field) of each attribute of ``model`` that references other resources,
    as ``ScimService._publish_references`` finds them (external and URI references are left alone)."""
    plan = []
    for path in parametrize(Path, model).iter_paths(target_type=[Reference]):
        binding = path.resolve()
        reference_types = set(binding.target_type.__reference_types__)
        if not reference_types or reference_types & {"external", "uri"}:
            continue
        if binding.sub_field_name is None:
            plan.append((path, None, None))
        else:
            plan.append((path, Path(f"{path.schema}:{path.parts[0]}" if path.schema else path.parts[0]),
                         binding.sub_field_name))
    return tuple(plan)
