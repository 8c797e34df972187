"""The connector's middleware, in the order settings.MIDDLEWARE runs it.

``ConnectorAccessMiddleware`` loads the person's connector role into ``request.connector_access`` and
keeps it honest. On every request of a signed-in person:
1. idle expiry (``ui_session_minutes`` from the settings, stored in the session) and an absolute cap
   (``CONNECTOR_SESSION_MAX_SECONDS``, 12 h);
2. access re-checked with Secret Server (application account) once its last check is older than
   ``CONNECTOR_ACCESS_RECHECK_SECONDS`` (60 s), or at once when an approved window has ended. When the
   access is gone the person is signed out and told why. If Secret Server cannot answer, the last
   decision is kept until its check is ``CONNECTOR_ACCESS_STALE_SECONDS`` (5 min) old and never past
   ``access_until``; after that the request is refused with 503 (no fail-open).

``SetupRequiredMiddleware``: until the connector is set up, every page leads to the setup page and the API
answers 503. Exempt: static files, the admin site (its own sign-in; the audit trail stays readable), the
API schema and docs, sign-in/out, the setup page itself and the health check.

``SecretServerUnavailableMiddleware`` turns an uncaught "Secret Server is down" into the friendly 503 page.
Views handle the connector errors they expect; this is the net for the rest, so a slow or stopped Secret
Server never shows a person a 500 page. A client ``Unavailable`` that escaped a service untranslated (a
bug, but not the person's problem) is translated here like the services do. API paths get the same
message as JSON, in the API's one error shape.
"""
from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse

from connector.access import session_access_get, session_access_set
from connector.errors import ConnectorError, SecretServerUnavailable
from connector.messages import MSG_UNAVAILABLE
from connector.services.audit import AuditWriteError, audit_record
from connector.services.connection import NOT_CONFIGURED_MESSAGE, connector_is_configured
from connector.services.signin import access_recheck, msg_ended
from connector.signin_session import IDLE_MINUTES, LAST_ACTIVITY, SIGNED_IN_AT, absolute_max_seconds

logger = logging.getLogger(__name__)

NOTICE_KEY = "signin_notice"


def _is_api(request) -> bool:
    return request.path.startswith("/api/")


class ConnectorAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.connector_access = None
        if request.user.is_authenticated:
            refused = self._check(request)
            if refused is not None:
                return refused
        return self.get_response(request)

    def _check(self, request):
        session, now = request.session, time.time()
        signed_in_at = session.get(SIGNED_IN_AT)
        last = session.get(LAST_ACTIVITY)
        if signed_in_at is None or last is None:  # a session made without our sign-in (tests, force_login)
            session[SIGNED_IN_AT] = signed_in_at = now
            session[LAST_ACTIVITY] = last = now
        idle_minutes = int(session.get(IDLE_MINUTES) or 60)
        if now - last > idle_minutes * 60:
            return self._end(request, f"Your session expired after {idle_minutes} minutes of inactivity. "
                                      "Please sign in again.", "idle")
        if now - signed_in_at > absolute_max_seconds():
            return self._end(request, "Your session reached its maximum length. Please sign in again.", "max_age")
        if now - last >= 5:
            session[LAST_ACTIVITY] = now

        access = session_access_get(request)
        if access is None:
            return None
        when = datetime.now(UTC)
        expired_window = access.access_until is not None and when >= access.access_until
        age = (when - access.checked_at).total_seconds() if access.checked_at else float("inf")
        if expired_window or age >= settings.CONNECTOR_ACCESS_RECHECK_SECONDS:
            try:
                result = access_recheck(access, now=when)
            except ConnectorError:
                stale = age >= settings.CONNECTOR_ACCESS_STALE_SECONDS
                if expired_window:
                    return self._end(request, msg_ended(access.access_until), "window_ended")
                if stale:
                    return self._unavailable(request)
                request.connector_access = access
                return None
            if result.access is None:
                return self._end(request, result.reason, "access_removed")
            session_access_set(request, result.access)
            if result.idle_minutes:
                session[IDLE_MINUTES] = result.idle_minutes
            return None
        request.connector_access = access
        return None

    def _end(self, request, reason: str, code: str):
        """Sign out with a reason the login page shows; one ``auth.session_end`` audit row."""
        try:
            audit_record(action="auth.session_end", outcome="success", message=f"{code}: {reason}", request=request)
        except AuditWriteError:
            pass  # ending a session must always work
        logout(request)
        request.session[NOTICE_KEY] = reason
        if _is_api(request):
            return JsonResponse({"detail": reason}, status=401)
        return redirect_to_login(request.get_full_path())

    def _unavailable(self, request):
        if _is_api(request):
            return JsonResponse({"detail": MSG_UNAVAILABLE}, status=503)
        response = TemplateResponse(request, "secretserver_unavailable.html", {"connector_is_admin": False},
                                    status=503)
        return response.render()


# --- setup required ---------------------------------------------------------------------------------------

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


# --- Secret Server unavailable: the net -------------------------------------------------------------------

class SecretServerUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, SecretServerUnavailable):
            return None
        logger.warning("Secret Server unavailable during %s %s: %s", request.method, request.path,
                       exception.__cause__ or exception)
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": exception.message}, status=exception.status)
        response = TemplateResponse(request, "secretserver_unavailable.html", {}, status=exception.status)
        response["Retry-After"] = "30"
        return response.render()
