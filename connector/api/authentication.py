"""``Authorization: Bearer <Secret Server access token>`` for the API.

The token is checked against Secret Server with the same rules as a person signing in (administrator by
access to the SCIMSecret, auditor by group); the decision is cached for at most 60 s under the token's
SHA-256 (never the token itself) and never past the access window.
"""
from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from connector.access import ConnectorAccess
from connector.errors import ConnectorError, NotConfigured
from connector.messages import MSG_NO_PERMISSION, MSG_UNAVAILABLE
from connector.services.signin import BearerTokenRefused, bearer_check


class ServiceUnavailable(exceptions.APIException):
    status_code = 503
    default_detail = MSG_UNAVAILABLE
    default_code = "secret_server_unavailable"


class SecretServerBearerAuthentication(BaseAuthentication):
    www_authenticate_realm = "SCIM Connector"

    def authenticate_header(self, request):
        return f'Bearer realm="{self.www_authenticate_realm}"'

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != b"bearer":
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed("Invalid bearer token header.")
        try:
            token = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid bearer token header.") from None
        key = "bearer:" + hashlib.sha256(token.encode()).hexdigest()
        now = datetime.now(UTC)
        cached = cache.get(key)
        access = ConnectorAccess.from_session(cached["access"]) if cached else None
        user = get_user_model().objects.filter(pk=cached["user_id"], is_active=True).first() if cached else None
        if access is None or user is None or (access.access_until and now >= access.access_until):
            access, user = self._check(token, key, request, now)
        request._request.connector_access = access
        return (user, None)

    def _check(self, token, key, request, now):
        try:
            outcome = bearer_check(token, request=request._request, now=now)
        except BearerTokenRefused as exc:  # DRF's 401 carries the WWW-Authenticate challenge
            raise exceptions.AuthenticationFailed(exc.message) from None
        except NotConfigured as exc:
            raise ServiceUnavailable(exc.message) from None
        except ConnectorError:  # Secret Server down, or the audit row could not be written
            raise ServiceUnavailable() from None
        if not outcome.allowed:
            raise exceptions.PermissionDenied(MSG_NO_PERMISSION)
        ttl = settings.CONNECTOR_ACCESS_RECHECK_SECONDS
        if outcome.access.access_until:
            ttl = max(1, min(ttl, int((outcome.access.access_until - now).total_seconds())))
        cache.set(key, {"access": outcome.access.to_session(), "user_id": outcome.user.pk}, ttl)
        return outcome.access, outcome.user
