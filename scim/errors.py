"""The SCIM service's own error contract: product messages and the SCIM errors they travel in.

Kept inside ``scim/`` on purpose: the connector's general error contract (connector/errors.py, another
branch) maps Secret Server errors for the UI and API; SCIM answers identity providers in RFC 7644's
vocabulary (``status`` as a string, ``scimType``), which this module alone decides. Each message is
defined once, here, in the vendor connector's wording where it has one.
"""
from __future__ import annotations

from scim2_models import (
    MutabilityException,
    PayloadTooLargeException,
    SCIMException,
)

# --- product messages (the vendor's SCIM-side wording, shared/docs/scim.md) ----------------------------
MSG_ATTRIBUTE_UNIQUE = "Attribute '{0}' MUST be unique"
MSG_ATTRIBUTE_IMMUTABLE = "Attribute '{0}' is immutable"
MSG_ATTRIBUTE_REQUIRED = "Attribute '{0}' is required"
MSG_RESOURCE_NOT_FOUND = "Resource '{0}' not found"
# a secret Secret Server will not hand over as it stands (PAM reads)
MSG_SECRET_NEEDS_COMMENT = "The requested Secret requires a comment when viewed; read it in Secret Server."
MSG_SECRET_NEEDS_APPROVAL = ("The requested Secret requires approval; request access in Secret Server and "
                             "read it there.")
MSG_SECRET_NEEDS_CHECKOUT = ("The requested Secret requires check out; SCIM does not check secrets out. "
                             "Check it out in Secret Server.")
MSG_SECRET_CHECKED_OUT = "The requested Secret is checked out by another user."
MSG_NOT_FOUND_OR_DISABLED = "'{0}' not found or disabled"
MSG_NOT_PERMITTED = "Operation is not permitted based on the supplied authorization"
MSG_UNKNOWN_SS_ERROR = "Unknown error occurred from Secret Server"
MSG_NO_ACCESS = "User does not have access"
MSG_BULK_MAX_OPERATIONS = "The size of the bulk operation exceeds the maxOperation ({0})."
MSG_BULK_MAX_PAYLOAD = "The size of the bulk operation exceeds the maxPayloadSize ({0})."
# --- our own (no vendor wording exists) ----------------------------------------------------------------
MSG_BODY_TOO_LARGE = "The request body exceeds the maximum size ({0} bytes)."
MSG_AUTH_REQUIRED = "Authorization required: send the endpoint's token as 'Authorization: Bearer <token>'."
MSG_AUTH_INVALID = "The bearer token is invalid, expired or revoked."
MSG_AUTH_THROTTLED = "Too many failed token checks from this address; retry later."
MSG_DISABLED = "The SCIM Connector is disabled. An administrator must clear 'SCIM Connector Disabled'."
MSG_NOT_CONFIGURED = "The SCIM Connector is not configured yet."
MSG_DIRECTORY_USER = "Attribute '{0}' is immutable: the user is synchronised from a directory (domain)"
MSG_DIRECTORY_GROUP = "Attribute '{0}' is immutable: the group is synchronised from a directory (domain)"
MSG_MEMBER_UNKNOWN = "'{0}' not found or disabled: members must be users of this service"
MSG_SS_REFUSED = "Secret Server refused the change: {0}"
MSG_INTERNAL = "Internal server error"
MSG_BAD_HOST = "The Host header names a host this connector does not serve (ALLOWED_HOSTS)."
MSG_REQUEST_REFUSED = "The request was refused: too many query parameters or too large a body."


class ServiceUnavailableException(SCIMException):
    """503: Secret Server did not answer usably, or the connector is disabled. ``retry_after`` in seconds."""

    status = 503
    _default_detail = MSG_UNKNOWN_SS_ERROR

    def __init__(self, *, retry_after: int = 30, **kw):
        self.retry_after = retry_after
        super().__init__(**kw)


class TooManyRequestsException(SCIMException):
    """429: failed token checks from one address are throttled."""

    status = 429
    _default_detail = MSG_AUTH_THROTTLED

    def __init__(self, *, retry_after: int = 60, **kw):
        self.retry_after = retry_after
        super().__init__(**kw)


def directory_object_refused(kind: str, attribute: str) -> MutabilityException:
    template = MSG_DIRECTORY_USER if kind == "User" else MSG_DIRECTORY_GROUP
    return MutabilityException(detail=template.format(attribute))


def bulk_too_many_operations(limit: int) -> PayloadTooLargeException:
    return PayloadTooLargeException(detail=MSG_BULK_MAX_OPERATIONS.format(limit))


def bulk_payload_too_large(limit: int) -> PayloadTooLargeException:
    return PayloadTooLargeException(detail=MSG_BULK_MAX_PAYLOAD.format(limit))


def body_too_large(limit: int) -> PayloadTooLargeException:
    return PayloadTooLargeException(detail=MSG_BODY_TOO_LARGE.format(limit))
