"""The connector's one error contract: what every layer above the services raises and renders.

A ``ConnectorError`` carries everything a page or an API answer needs, so no view inspects message text:

* ``message``      the product's wording for the person (``connector/messages.py``), never a raw error text;
* ``status``       the HTTP status of an API answer (400 invalid, 404 missing, 409 conflict or busy,
                   502 Secret Server refused, 503 Secret Server down / not configured / audit unwritable,
                   500 saved in Secret Server but not in the local copy);
* ``audit_outcome`` the outcome an ``audited`` block records when the error passes through it;
* ``field_errors`` ``{field: [messages]}`` for errors that belong next to a form field (``"__all__"``: none);
* ``current``      for conflicts, the record as Secret Server holds it now (the API shows it as ``current``);
* ``retry_after``  seconds, sent as ``Retry-After`` (busy write lock).

Services translate ``connector.secretserver.errors.*`` into these at their edge
(``connector/services/failures.py``); the DRF exception handler (``connector/api/errors.py``) and the view
helper (``connector/views/failures.py``) render them. The API body is one shape, documented in the OpenAPI
schema as ``Error``: ``{"detail": message}`` (plus ``current`` on a conflict). Field errors keep DRF's own
validation shape ``{field: [messages]}`` (non-field errors under ``non_field_errors``), so a client reads a
400 from our rules exactly like a 400 from a serializer.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

from connector.messages import (
    MSG_AUDIT_WRITE_FAILED,
    MSG_MIRROR_BEHIND,
    MSG_NOT_CONFIGURED,
    MSG_REFUSED,
    MSG_UNAVAILABLE,
    MSG_WRITES_BUSY,
)

NON_FIELD = "__all__"


class ConnectorError(Exception):
    """Base of every error a service raises to the layers above it."""

    status = 500
    audit_outcome = "error"
    default_message = MSG_REFUSED
    level = "error"  # the django.contrib.messages level a page uses when it shows the error as a message
    retry_after: int | None = None
    safe_message: str | None = None  # what an audit row says; defaults to ``message`` (never holds a secret)

    def __init__(self, message: str | None = None, *, status: int | None = None,
                 field_errors: Mapping[str, str | Iterable[str]] | None = None, current=None):
        self.message = message or self.default_message
        if status is not None:
            self.status = status
        self.field_errors = {
            name: [errors] if isinstance(errors, str) else list(errors)
            for name, errors in (field_errors or {}).items()
        }
        self.current = current
        if type(self).safe_message is None:
            self.safe_message = self.message
        super().__init__(self.message)

    @property
    def product_message(self) -> str:
        return self.message


class Refusal(ConnectorError):
    """The connector's own rules refused the request before anything was written (audit outcome "failure")."""

    audit_outcome = "failure"


class InvalidInput(Refusal):
    """Values break a rule; ``field_errors`` says which."""

    status = 400


class ObjectNotFound(Refusal):
    status = 404


class Conflict(Refusal):
    """The caller's copy is older than Secret Server's; ``current`` is what Secret Server holds now."""

    status = 409


class Busy(Refusal):
    """Another administrator's write held the connector-wide write lock for the whole wait."""

    status = 409
    default_message = MSG_WRITES_BUSY
    retry_after = 1


class NotConfigured(ConnectorError):
    status = 503
    default_message = MSG_NOT_CONFIGURED


class SecretServerUnavailable(ConnectorError):
    """Secret Server gave no usable answer in time (down, slow, 5xx, garbage)."""

    status = 503
    default_message = MSG_UNAVAILABLE


class SecretServerRefused(ConnectorError):
    """Secret Server answered, and said no (permission, validation, missing object it should have)."""

    status = 502
    default_message = MSG_REFUSED


class AuditFailed(ConnectorError):
    """The audit row could not be written, so the action was not performed (fail closed)."""

    status = 503
    default_message = MSG_AUDIT_WRITE_FAILED


class SavedNotMirrored(ConnectorError):
    """Secret Server took the change; the local copy could not be written (the next sync repairs it)."""

    status = 500
    level = "warning"
    default_message = MSG_MIRROR_BEHIND
