"""Secret Server client errors as SCIM errors: the SCIM services' edge (scim/services/context.py uses it).

Only the services layer sees client errors; views, the handler and the stores above get SCIM exceptions.
"""
from __future__ import annotations

from scim2_models import ForbiddenException, InvalidValueException, NotFoundException, SCIMException, \
    UniquenessException

from connector.secretserver import (
    AccessDenied,
    AuthenticationFailed,
    LoginFailed,
    NotFound,
    SecretServerError,
    Unavailable,
    UnexpectedResponse,
    ValidationFailed,
)
from scim.errors import (
    MSG_ATTRIBUTE_UNIQUE,
    MSG_NO_ACCESS,
    MSG_RESOURCE_NOT_FOUND,
    MSG_SECRET_CHECKED_OUT,
    MSG_SECRET_NEEDS_APPROVAL,
    MSG_SECRET_NEEDS_CHECKOUT,
    MSG_SECRET_NEEDS_COMMENT,
    MSG_SS_REFUSED,
    MSG_UNKNOWN_SS_ERROR,
    ServiceUnavailableException,
)


def secret_restriction(exc: SecretServerError) -> str | None:
    """What keeps a secret from being read as it stands (comment, approval, check-out), by Secret Server's
    error code; None for any other failure. Such a refusal is Secret Server answering, not failing."""
    code = (getattr(exc, "error_code", None) or "").lower()
    if "approval" in code:
        return MSG_SECRET_NEEDS_APPROVAL
    if "comment" in code:
        return MSG_SECRET_NEEDS_COMMENT
    if "checkedoutbyanother" in code:
        return MSG_SECRET_CHECKED_OUT
    if "checkout" in code:
        return MSG_SECRET_NEEDS_CHECKOUT
    return None


def is_upstream_failure(exc: BaseException) -> bool:
    """Counts toward the error threshold: Secret Server unreachable, 5xx, timeouts, garbage answers, and the
    application account failing to sign in (password expired or changed, locked, disabled; or its token
    refused after a fresh sign-in).

    The application account is counted because the connector cannot fix it by itself and every SCIM request
    fails the same way until an administrator does: the threshold then disables SCIM and Home/Messages show
    the reason, which is what the administrator needs to see. Not client errors (validation, access denied
    on one object, not found): an identity provider's bad requests must not disable the service.
    """
    return isinstance(exc, (Unavailable, UnexpectedResponse, LoginFailed, AuthenticationFailed))


def is_application_account_failure(exc: BaseException) -> bool:
    """The application account itself cannot sign in or use its token (the threshold's reason says so)."""
    return isinstance(exc, (LoginFailed, AuthenticationFailed))


def scim_error_from_secret_server(exc: SecretServerError, *, resource: str = "") -> SCIMException:
    """The SCIM error an identity provider gets for a Secret Server failure (never the raw error text)."""
    restriction = secret_restriction(exc)
    if restriction is not None:
        return ForbiddenException(detail=restriction)
    if isinstance(exc, NotFound):
        return NotFoundException(detail=MSG_RESOURCE_NOT_FOUND.format(resource))
    if isinstance(exc, AccessDenied):
        return ForbiddenException(detail=MSG_NO_ACCESS)
    if isinstance(exc, ValidationFailed):
        reasons = "; ".join(m for messages in exc.field_errors.values() for m in messages)
        text = reasons or exc.product_message or exc.message
        if _mentions_existing(text):
            return UniquenessException(detail=MSG_ATTRIBUTE_UNIQUE.format(resource or "name"))
        return InvalidValueException(detail=MSG_SS_REFUSED.format(text)[:300])
    if isinstance(exc, (AuthenticationFailed, LoginFailed)):
        return ServiceUnavailableException(detail=MSG_UNKNOWN_SS_ERROR)
    return ServiceUnavailableException(detail=MSG_UNKNOWN_SS_ERROR)


def _mentions_existing(text: str) -> bool:
    lowered = (text or "").lower()
    return "already exists" in lowered or "already in use" in lowered or "duplicate" in lowered


