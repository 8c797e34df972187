"""Turns an uncaught "Secret Server is down" into the friendly 503 page.

Views handle the connector errors they expect; this is the net for the rest, so a slow or stopped
Secret Server never shows a person a 500 page. A client ``Unavailable`` that escaped a service untranslated
(a bug, but not the person's problem) is translated here like the services do. API paths get the same
message as JSON, in the API's one error shape.
"""
from __future__ import annotations

import logging

from django.http import JsonResponse
from django.template.response import TemplateResponse

from connector.errors import SecretServerUnavailable
from connector.secretserver import SecretServerError
from connector.services.failures import secretserver_failure

logger = logging.getLogger(__name__)


class SecretServerUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, SecretServerError):
            exception = secretserver_failure(exception)
        if not isinstance(exception, SecretServerUnavailable):
            return None
        logger.warning("Secret Server unavailable during %s %s: %s", request.method, request.path,
                       exception.__cause__ or exception)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": exception.message}, status=exception.status)
        response = TemplateResponse(request, "secretserver_unavailable.html", {}, status=exception.status)
        response["Retry-After"] = "30"
        return response.render()
