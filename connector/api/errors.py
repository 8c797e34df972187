"""The API's one exception handler and the one error body it renders (settings REST_FRAMEWORK).

Every ``ConnectorError`` (connector/errors.py) becomes ``{"detail": message}`` with the error's own HTTP
status (``Retry-After`` when it has one). A conflict adds ``current``: the record as Secret Server holds it
now, shaped by the view's ``error_current(current)``. Errors with field errors keep DRF's validation shape
``{field: [messages]}`` (non-field errors under ``non_field_errors``), the same as a serializer's 400.
DRF's own exceptions (authentication, permission, parse, throttling) already answer ``{"detail": ...}``
and pass through DRF's handler unchanged.
"""
from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from connector.errors import NON_FIELD, ConnectorError

class ErrorSerializer(serializers.Serializer):
    """The body of every error answer (4xx/5xx) except field validation."""

    detail = serializers.CharField(help_text="What happened, in the product's wording; safe to show a person.")


class FieldErrorsSerializer(serializers.Serializer):
    """400: ``{field: [messages]}`` as DRF validation returns it (non-field errors: ``non_field_errors``)."""

    non_field_errors = serializers.ListField(child=serializers.CharField(), required=False)


def error_response(description: str) -> OpenApiResponse:
    return OpenApiResponse(ErrorSerializer, description=description)


FIELD_ERRORS = OpenApiResponse(FieldErrorsSerializer, description="Field errors: `{field: [messages]}`.")
NOT_FOUND = error_response("Not found.")
BUSY = error_response("Another administrator's save is in progress (`Retry-After: 1`); nothing was written.")
SECRET_SERVER_REFUSED = error_response("Secret Server answered and refused (permission, validation, state).")
UNAVAILABLE = error_response("Secret Server is unavailable, the connector is not configured, or the audit "
                             "trail could not be written; nothing was changed.")
SAVED_NOT_MIRRORED = error_response("Saved in Secret Server, but not in the local copy (the next sync repairs it).")


def error_body(exc: ConnectorError, view=None) -> dict:
    if exc.field_errors and exc.status == 400:
        return {(api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD else name): list(messages)
                for name, messages in exc.field_errors.items()}
    body = {"detail": exc.message}
    render_current = getattr(view, "error_current", None)
    if exc.current is not None and render_current is not None:
        body["current"] = render_current(exc.current)
    return body


def connector_exception_handler(exc, context):
    """REST_FRAMEWORK["EXCEPTION_HANDLER"]: connector errors in the one shape, the rest as DRF does."""
    if not isinstance(exc, ConnectorError):
        return drf_exception_handler(exc, context)
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else None
    return Response(error_body(exc, context.get("view")), status=exc.status, headers=headers)
