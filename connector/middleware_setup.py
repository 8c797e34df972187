"""Until the connector is set up, every page leads to the setup page and the API answers 503.

Exempt: static files, the admin site (its own sign-in; the audit trail stays readable), the API schema
and docs, sign-in/out, the setup page itself and the health check.
"""
from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import NoReverseMatch, reverse

from connector.services.connection import NOT_CONFIGURED_MESSAGE, connector_is_configured

EXEMPT_PREFIXES = ("/static/", "/admin/", "/api/schema", "/api/docs", "/accounts/", "/healthz", "/favicon.ico")


class SetupRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if settings.CONNECTOR_SETUP_REDIRECT and not self._exempt(request.path):
            if not connector_is_configured():
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": NOT_CONFIGURED_MESSAGE}, status=503)
                return redirect("connector:settings-secretserver")
        return self.get_response(request)

    @staticmethod
    def _exempt(path: str) -> bool:
        static_url = "/" + settings.STATIC_URL.lstrip("/")
        if path.startswith(EXEMPT_PREFIXES) or path.startswith(static_url):
            return True
        try:
            return path == reverse("connector:settings-secretserver")
        except NoReverseMatch:
            return True
