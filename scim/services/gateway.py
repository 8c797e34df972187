"""One SCIM request end to end: disabled check, authentication, body limits, the handler, the log.

The view hands over the Django request and gets a ``ScimResponse``; everything else happens here:

1. not configured or "SCIM Connector Disabled" → 503 + Retry-After (before authentication: identity
   providers quarantine an app on 401s);
2. bearer token (401 + WWW-Authenticate; 429 when an address keeps failing); ``/ServiceProviderConfig``
   needs none (RFC 7643 §5);
3. body read from the stream with a limit: Bulk Max Payload for /Bulk (Content-Length checked before
   reading), ``SCIM_MAX_BODY_BYTES`` for the rest; Bulk Max Operations counted before the operations are
   validated → 413 with the product's messages;
4. scim2-server's handler over the Secret Server storage;
5. the error threshold (upstream failures only) and the request log (Messages, event log files), with
   the number of Secret Server calls the request made.
"""
from __future__ import annotations

import json
import logging
import time

from django.conf import settings
from django.core.exceptions import DisallowedHost, SuspiciousOperation
from scim2_models import InvalidValueException, SCIMException
from scim2_server.handler import ScimHandler
from scim2_server.requests import ScimRequest
from scim2_server.responses import ScimResponse
from scim2_server.routing import Operation

from connector.secretserver.transport import CALL_COUNTER
from connector.services.configuration_service import settings_current
from connector.services.connection import app_client, bootstrap_get
from scim import errors as E
from scim.dialects import bulk_body_normalise, patch_body_normalise
from scim.handler import AuditingScimHandler
from scim.pam.vendor import vendor_route
from scim.provider import scim_provider
from scim.service import ConnectorScimService
from scim.services import threshold
from scim.services.auth import endpoint_authenticate
from scim.services.context import ScimContext
from scim.services.requestlog import request_log_write
from scim.storage import SecretServerStorage

logger = logging.getLogger(__name__)
PREFIX = "/v2"


def relative_path(path: str) -> str:
    """The path after ``/v2``, without the ``.scim`` suffix RFC 7644 §3.8 allows."""
    if path == PREFIX or path.startswith(PREFIX + "/"):
        path = path[len(PREFIX):]
    return path.removesuffix(".scim") or "/"


def _client_ip(request) -> str:
    return request.META.get("REMOTE_ADDR", "") or ""


def _read_body(request, limit: int) -> bytes:
    """At most ``limit + 1`` bytes from the stream (never ``request.body``: Django's own cap is not SCIM)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length <= 0:
        return b""
    return request.read(min(length, limit + 1))


ERROR_SERVICE = ConnectorScimService(scim_provider(1, 1, 1))


class _Outcome:
    endpoint_id = None
    endpoint_name = ""
    log = True
    note = ""  # what a successful request leaves on Messages (issue 12: an unmapped right's message)


def scim_serve(request) -> ScimResponse:
    started = time.monotonic()
    counter = [0]
    token = CALL_COUNTER.set(counter)
    outcome = _Outcome()
    path = relative_path(request.path)
    try:
        try:
            response = _serve(request, path, outcome)
        except Exception as exc:  # never a traceback or an HTML page: the library answers a bare 500 for others
            if isinstance(exc, SuspiciousOperation):  # 2,000 query parameters, a body over Django's limit: a 400
                exc = InvalidValueException(detail=E.MSG_REQUEST_REFUSED)
            if not isinstance(exc, SCIMException):
                logger.exception("SCIM %s %s failed", request.method, request.path)
            response = ERROR_SERVICE.error_response(exc)
    finally:
        CALL_COUNTER.reset(token)
    response.headers.setdefault("Cache-Control", "no-store")
    if outcome.log:
        body = response.body or {}
        request_log_write(endpoint_id=outcome.endpoint_id, endpoint_name=outcome.endpoint_name,
                          ip=_client_ip(request), request_id=getattr(request, "id", ""), method=request.method,
                          path=request.get_full_path()[:512], status=int(response.status),
                          scim_type=str(body.get("scimType") or "") if int(response.status) >= 400 else "",
                          detail=str(body.get("detail") or "") if int(response.status) >= 400 else outcome.note,
                          duration_ms=(time.monotonic() - started) * 1000, ss_calls=counter[0])
    if settings.SCIM_EXPOSE_SS_CALLS:
        response.headers["X-Secret-Server-Calls"] = str(counter[0])
    return response


_bootstrap_cache: list = [None, 0.0]


def _bootstrap():
    """The bootstrap record, kept ``SCIM_BOOTSTRAP_CACHE_SECONDS`` per process: it changes only when the
    connector is set up again, and a save of the row drops the copy at once (scim/apps.py)."""
    bootstrap, at = _bootstrap_cache
    if bootstrap is None or time.monotonic() - at >= settings.SCIM_BOOTSTRAP_CACHE_SECONDS:
        bootstrap = bootstrap_get()
        if bootstrap is None or not bootstrap.is_complete:
            _bootstrap_cache[:] = [None, 0.0]
            return None
        _bootstrap_cache[:] = [bootstrap, time.monotonic()]
    return bootstrap


def bootstrap_forget(*args, **kwargs) -> None:
    _bootstrap_cache[:] = [None, 0.0]


def _serve(request, path: str, outcome: _Outcome) -> ScimResponse:
    bootstrap = _bootstrap()
    if bootstrap is None:
        raise E.ServiceUnavailableException(detail=E.MSG_NOT_CONFIGURED)
    current = settings_current()
    if current.connector_disabled:
        raise E.ServiceUnavailableException(detail=E.MSG_DISABLED, retry_after=300)
    pending = threshold.disable_pending()
    if pending:  # the threshold was reached while Secret Server could not take the setting
        threshold.disable_pending_retry()
        raise E.ServiceUnavailableException(detail=E.MSG_DISABLED, retry_after=300)
    provider = scim_provider(current.bulk_max_operations, current.bulk_max_payload, int(settings.SCIM_MAX_RESULTS))
    service = ConnectorScimService(provider)
    try:
        base_url = request.build_absolute_uri(PREFIX)
    except DisallowedHost:
        raise InvalidValueException(detail=E.MSG_BAD_HOST) from None
    scim_request = ScimRequest(method=request.method, base_url=base_url, path=path,
                               query={k: request.GET.get(k) for k in request.GET},
                               headers=list(request.headers.items()))
    try:
        operation = service.match(scim_request).operation
    except SCIMException:
        operation = None
    if operation is not Operation.service_provider_config:
        try:
            endpoint = endpoint_authenticate(request.headers.get("Authorization"), _client_ip(request),
                                             disabled_now=lambda: settings_current().connector_disabled,
                                             connector_disabled=current.connector_disabled)
        except E.TooManyRequestsException:
            outcome.log = False  # aggregated in the audit trail instead
            raise
        outcome.endpoint_id, outcome.endpoint_name = endpoint.ss_secret_id, endpoint.name
    else:
        endpoint = None
    if operation is None:
        service.match(scim_request)  # raises the routing error (404/405) now that the client is known
    if operation is Operation.bulk:
        limit = current.bulk_max_payload
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            raise E.bulk_payload_too_large(limit)
        scim_request.body = _read_body(request, limit)
        if len(scim_request.body) > limit:
            raise E.bulk_payload_too_large(limit)
        _bulk_operations_check(scim_request.body, current.bulk_max_operations)
        scim_request.body = bulk_body_normalise(scim_request.body)
    else:
        limit = int(settings.SCIM_MAX_BODY_BYTES)
        scim_request.body = _read_body(request, limit)
        if len(scim_request.body) > limit:
            raise E.body_too_large(limit)
        if operation is Operation.patch:
            scim_request.body = patch_body_normalise(scim_request.body)
    if endpoint is None:
        return ScimHandler(service, _NoStorage()).handle(scim_request)
    ctx = ScimContext(endpoint_id=endpoint.ss_secret_id, endpoint_name=endpoint.name, client=app_client(bootstrap),
                      method="BULK" if operation is Operation.bulk else request.method, request=request)
    vendor = vendor_route(request.method, path)  # issue 12: the vendor's PrivilegedData routes (scim/pam/vendor.py)
    try:
        if vendor is not None:
            try:
                return vendor(ctx, scim_request)
            except SCIMException as exc:
                return service.error_response(exc)
        return AuditingScimHandler(service, SecretServerStorage(ctx, provider), ctx).handle(scim_request)
    finally:
        outcome.note = "; ".join(ctx.memo.get("notes", ()))[:300]
        if ctx.upstream_failed:
            threshold.failure_record(current.error_threshold)
        elif ctx.upstream_succeeded:
            threshold.success_record()


def _bulk_operations_check(body: bytes, limit: int) -> None:
    """Bulk Max Operations before the operations are validated (a cheap JSON count; bad JSON is the library's)."""
    try:
        document = json.loads(body or b"{}")
    except ValueError:
        return
    if isinstance(document, dict):
        operations = next((v for k, v in document.items() if k.lower() == "operations"), None)
        if isinstance(operations, list) and len(operations) > limit:
            raise E.bulk_too_many_operations(limit)


class _NoStorage(SecretServerStorage):
    """Discovery needs no storage."""

    def __init__(self):  # noqa: D107
        pass
