"""Serves ``/v2/`` before the session, CSRF, sign-in, setup and access middleware run.

SCIM is a separate protocol surface for identity providers: no cookies, no CSRF token, no redirect to
setup or sign-in, and never an HTML page. Placed right after the request-id and security middleware, it
dispatches ``/v2`` paths to the SCIM view and returns its answer; the rest of the stack never sees them.
"""
from __future__ import annotations

from scim.views import scim_endpoint

PREFIX = "/v2"


class ScimMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == PREFIX or request.path.startswith(PREFIX + "/"):
            return scim_endpoint(request)
        return self.get_response(request)
