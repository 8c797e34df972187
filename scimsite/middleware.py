"""Request id: one UUID per request, echoed as X-Request-ID, so every audit row of a request is linked."""
import logging
import re
import uuid
from contextvars import ContextVar

current_request_id: ContextVar[str | None] = ContextVar("current_request_id", default=None)
current_request: ContextVar[object | None] = ContextVar("current_request", default=None)

_SAFE_INCOMING_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Accepts a well-formed incoming X-Request-ID (for tracing through a proxy), else makes one."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _SAFE_INCOMING_ID.match(incoming) else uuid.uuid4().hex
        id_token = current_request_id.set(request.id)
        request_token = current_request.set(request)
        try:
            response = self.get_response(request)
        finally:
            current_request_id.reset(id_token)
            current_request.reset(request_token)
        response["X-Request-ID"] = request.id
        return response


class RequestIdLogFilter(logging.Filter):
    def filter(self, record):
        record.request_id = current_request_id.get() or "-"
        return True
