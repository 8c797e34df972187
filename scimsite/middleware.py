"""Request id: one UUID per request, echoed as X-Request-ID, so every audit row of a request is linked."""
import ipaddress
import logging
import re
import uuid
from contextvars import ContextVar
from functools import lru_cache

from django.conf import settings

from scimsite.db_alive import db_connections_answered, db_health_check_bypass

current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)
current_request: ContextVar[object | None] = ContextVar("current_request", default=None)

_SAFE_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


@lru_cache(maxsize=8)
def _trusted_networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies if p.strip())


def from_trusted_proxy(request) -> bool:
    """True when the direct peer (``REMOTE_ADDR``) is one of ``TRUSTED_PROXIES`` (addresses or CIDRs)."""
    networks = _trusted_networks(tuple(settings.TRUSTED_PROXIES))
    try:
        peer = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(peer in network for network in networks)


class RequestIdMiddleware:
    """Accepts a well-formed incoming X-Request-ID only from a trusted proxy (for tracing), else makes one.

    A client's own header would otherwise become the audit row's request id: anyone could make their rows
    look linked to someone else's request.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        trusted = bool(incoming) and _SAFE_INCOMING_ID.match(incoming) and from_trusted_proxy(request)
        request.id = incoming if trusted else uuid.uuid4().hex
        id_token = current_request_id.set(request.id)
        request_token = current_request.set(request)
        db_health_check_bypass()  # after request_started asked for a new health check (scimsite/db_alive.py)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(id_token)
            current_request.reset(request_token)
        db_connections_answered()  # lets the next request skip the health-check ping
        response["X-Request-ID"] = request.id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record):
        record.request_id = current_request_id.get() or "-"
        return True
