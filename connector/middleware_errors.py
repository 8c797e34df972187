"""Turns an uncaught ``connector.secretserver.Unavailable`` into the friendly 503 page.

Views handle the Secret Server errors they expect; this is the net for the rest, so a slow or stopped
Secret Server never shows a person a 500 page. API paths get the same message as JSON.
"""
from __future__ import annotations

import logging

from django.http import JsonResponse
from django.template.response import TemplateResponse

from connector.secretserver import Unavailable
from connector.services.signin import MSG_UNAVAILABLE

logger = logging.getLogger(__name__)


class SecretServerUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, Unavailable):
            return None
        logger.warning("Secret Server unavailable during %s %s: %s", request.method, request.path, exception)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": MSG_UNAVAILABLE}, status=503)
        response = TemplateResponse(request, "secretserver_unavailable.html", {}, status=503)
        response["Retry-After"] = "30"
        return response.render()
