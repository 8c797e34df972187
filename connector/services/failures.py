"""The services' edge: Secret Server client errors become connector errors here, and nowhere above.

``secretserver_failure`` is the one mapping from ``connector.secretserver.errors`` to ``connector.errors``
(status, product wording). ``translates_secretserver_errors`` applies it to a public service function:
it wraps the whole function, outside any ``audited`` block, so audit rows keep recording what really
happened (the client error's own name) while callers only ever see a ``ConnectorError``.
"""
from __future__ import annotations

import functools

from connector.errors import ConnectorError, SecretServerRefused, SecretServerUnavailable
from connector.messages import MSG_APP_MISSING_PERMISSION, MSG_REFUSED, MSG_REFUSED_CHANGE, MSG_UNAVAILABLE
from connector.secretserver import AccessDenied, SecretServerError, Unavailable, UnexpectedResponse, ValidationFailed


def secretserver_reason(exc: SecretServerError) -> str:
    """The product's wording for a client error: Secret Server's own text when it gave one, else ours."""
    if isinstance(exc, (Unavailable, UnexpectedResponse)):  # the vendor's wording for an outage
        return MSG_UNAVAILABLE
    if exc.product_message:
        return exc.product_message
    if isinstance(exc, AccessDenied):
        return MSG_APP_MISSING_PERMISSION
    if isinstance(exc, ValidationFailed):
        return MSG_REFUSED_CHANGE
    return MSG_REFUSED


def secretserver_failure(exc: SecretServerError, *, prefix: str = "",
                         cls: type[ConnectorError] | None = None) -> ConnectorError:
    """``exc`` as a connector error: 503 when Secret Server is down, 502 when it refused.

    ``prefix`` starts the message (e.g. the settings page's "unable to update"); ``cls`` names the service's
    own error class (its name is what audit rows and logs show), with the status still chosen here.
    """
    down = isinstance(exc, (Unavailable, UnexpectedResponse))
    status = SecretServerUnavailable.status if down else SecretServerRefused.status
    message = f"{prefix} {secretserver_reason(exc)}".strip()
    if cls is None:
        cls = SecretServerUnavailable if down else SecretServerRefused
    return cls(message, status=status)


def translates_secretserver_errors(service):
    """Decorator for a public service: any client error that escapes it leaves as a ``ConnectorError``."""

    @functools.wraps(service)
    def wrapped(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except SecretServerError as exc:
            raise secretserver_failure(exc) from exc

    return wrapped
