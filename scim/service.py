"""scim2-server's protocol service, adjusted to what identity providers expect of this connector."""
from __future__ import annotations

from http import HTTPStatus

from scim2_models import Context
from scim2_server.responses import ScimResponse
from scim2_server.service import ScimService

from scim.errors import ServiceUnavailableException, TooManyRequestsException, bulk_payload_too_large


class ConnectorScimService(ScimService):
    def patch_response(self, base_url, resource, response_parameters) -> ScimResponse:
        """200 with the resource, always: Okta, Entra's probes and scim2-tester expect it (the default is 204)."""
        return self.resource_response(self.publish(base_url, resource), Context.RESOURCE_REPLACEMENT_RESPONSE,
                                      response_parameters)

    @staticmethod
    def payload_too_large(limit: int):
        return bulk_payload_too_large(limit)

    def error_response(self, exception: Exception) -> ScimResponse:
        response = super().error_response(exception)
        if isinstance(exception, (ServiceUnavailableException, TooManyRequestsException)):
            response.headers["Retry-After"] = str(exception.retry_after)
        if response.status == HTTPStatus.UNAUTHORIZED:
            response.headers["WWW-Authenticate"] = 'Bearer realm="SCIM"'
        return response
