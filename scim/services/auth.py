"""Bearer authentication of SCIM requests with the endpoint tokens the connector issues.

- ``Authorization: Bearer <token>`` checked by ``endpoint_token_verify`` (format and checksum, endpoint
  lookup, constant-time hash comparison, expiry = the endpoint's token lifetime).
- A refused token is remembered for ``NEGATIVE_SECONDS`` (by its sha256): repeating it costs no database
  lookup. Failed checks are counted per client address; past ``SCIM_AUTH_FAILURES_PER_MINUTE`` the
  address gets 429 until the minute is over, without any lookup.
- Failures are aggregated in the audit trail: one row for the 1st, 10th, 100th, ... failure of an address
  within its window, never one per request.
"""
from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from scim2_models import UnauthorizedException

from connector.services.audit import audit_record
from connector.services.endpoint_tokens import endpoint_token_verify_cached, tokens_version_key
from scim.errors import MSG_AUTH_INVALID, MSG_AUTH_REQUIRED, MSG_DISABLED, ServiceUnavailableException, \
    TooManyRequestsException

NEGATIVE_SECONDS = 60
WINDOW_SECONDS = 60


def _ip_key(ip: str) -> str:
    return f"scim:auth-failures:{ip or '-'}"


def throttle_check(ip: str, failures=None) -> None:
    """429 while the address is over its failures; ``failures``: the counter if the caller read it already."""
    if failures is None:
        failures = cache.get(_ip_key(ip))
    if int(failures or 0) >= settings.SCIM_AUTH_FAILURES_PER_MINUTE:
        raise TooManyRequestsException(retry_after=WINDOW_SECONDS)


def _failure(ip: str, reason: str) -> UnauthorizedException:
    key = _ip_key(ip)
    if cache.add(key, 1, WINDOW_SECONDS):
        count = 1
        cache.set(f"{key}:since", time.time(), WINDOW_SECONDS)
    else:
        try:
            count = cache.incr(key)
        except ValueError:
            cache.add(key, 1, WINDOW_SECONDS)
            count = 1
    if count == 1 or _power_of_ten(count):
        audit_record(action="scim.auth.failed", outcome="denied", actor_name="SCIM client",
                     target_type="scim", target_repr=ip or "unknown address",
                     message=f"{count} failed SCIM token check(s) from {ip or 'an unknown address'} "
                             f"in the last {WINDOW_SECONDS} s (latest: {reason})")
    return UnauthorizedException(detail=MSG_AUTH_REQUIRED if reason == "no token" else MSG_AUTH_INVALID)


def _power_of_ten(n: int) -> bool:
    while n >= 10 and n % 10 == 0:
        n //= 10
    return n == 1


def bearer_token(header: str | None) -> str | None:
    if not header:
        return None
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def endpoint_authenticate(authorization: str | None, ip: str, disabled_now=lambda: False,
                          connector_disabled: bool | None = None):
    """The ``EndpointMirror`` of a valid token; UnauthorizedException (401) or TooManyRequests (429).

    One round trip to the shared cache reads the address's failures, the refused-token mark and the
    endpoint tokens version; a token verified earlier in this process with the same version costs no
    database lookup (connector/services/endpoint_tokens.py). ``connector_disabled``: the setting as the
    caller just read it (None: read it).
    """
    token = bearer_token(authorization)
    digest = hashlib.sha256(token.encode("utf-8", "replace")).hexdigest() if token is not None else ""
    negative = f"scim:bad-token:{digest}"
    keys = [_ip_key(ip)] + ([negative, tokens_version_key()] if token is not None else [])
    shared = cache.get_many(keys)
    throttle_check(ip, shared.get(_ip_key(ip), 0))
    if token is None:
        raise _failure(ip, "no token")
    if shared.get(negative):
        raise _failure(ip, "known bad token")
    endpoint = endpoint_token_verify_cached(token, version=shared.get(tokens_version_key()),
                                            connector_disabled=connector_disabled)
    if endpoint is None:
        if disabled_now():  # the connector was disabled meanwhile: 503, never 401, and nothing remembered
            raise ServiceUnavailableException(detail=MSG_DISABLED)
        cache.set(negative, 1, NEGATIVE_SECONDS)
        raise _failure(ip, "invalid, expired or revoked token")
    return endpoint
