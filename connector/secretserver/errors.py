"""Named errors for Secret Server's known failure modes (shared/docs/secretserver-api.md §1, §8, "Decisions").

Every error carries the HTTP status (None when no response arrived), the method, the path *without* its
query string, the product's ``errorCode`` when there was one and a short, redacted excerpt of the body.
No password, token or secret value ever appears in ``str()``/``repr()`` of these errors: request bodies
are never included, JSON bodies are excerpted with sensitive keys blanked, and every value the client
sent as a credential or secret is scrubbed from the excerpt.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping

__all__ = [
    "SecretServerError",
    "LoginFailed",
    "PasswordExpired",
    "AccessDenied",
    "ApprovalRequired",
    "NotFound",
    "AuthenticationFailed",
    "ValidationFailed",
    "Unavailable",
    "UnexpectedResponse",
    "redact_body",
    "scrub",
]

EXCERPT_CHARS = 300
REDACTED = "***"
# Keys whose values are never shown, compared case-insensitively.
SENSITIVE_KEYS = frozenset(
    k.lower()
    for k in (
        "password", "access_token", "refresh_token", "token", "tokenValue", "itemValue", "value",
        "newPassword", "doubleLockPassword", "autoChangeNextPassword", "stackTrace", "client_secret",
        "otp", "authorization",
    )
)


def _scrub_json(obj):
    if isinstance(obj, Mapping):
        return {k: (REDACTED if str(k).lower() in SENSITIVE_KEYS else _scrub_json(v)) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_scrub_json(v) for v in obj[:20]]
    return obj


def redact_body(body: bytes | str | None, secrets: Iterable[str] = (), limit: int = EXCERPT_CHARS) -> str:
    """A short excerpt of a response body that is safe to log: sensitive JSON keys blanked, known secrets scrubbed."""
    if body is None:
        return ""
    text = body.decode("utf-8", "replace") if isinstance(body, (bytes, bytearray)) else str(body)
    text = text[:20_000]
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    else:
        if isinstance(parsed, str):  # a bare JSON string is what field reads return: always a secret value
            text = json.dumps(REDACTED)
        else:
            text = json.dumps(_scrub_json(parsed), separators=(",", ":"))
    if parsed is None:
        text = re.sub(r"\s+", " ", text)
    for secret in sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    if len(text) > limit:
        text = text[:limit] + "…"
    # a secret cut in half by the limit could survive the replace above; scrub its prefixes too
    for secret in {s for s in secrets if s and len(s) >= 6}:
        for cut in range(len(secret) - 1, 3, -1):
            if text.endswith(secret[:cut] + "…"):
                text = text[: -(cut + 1)] + REDACTED + "…"
                break
    return text


def scrub(text: str, secrets: Iterable[str] = (), limit: int = EXCERPT_CHARS) -> str:
    """``text`` with every known secret value replaced by ``***`` and cut to ``limit`` characters."""
    text = str(text)
    for secret in sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True):
        text = text.replace(secret, REDACTED)
    return text if len(text) <= limit else text[:limit] + "…"


class SecretServerError(Exception):
    """Base class: a call to Secret Server did not give a usable answer."""

    default_message = "Secret Server call failed"

    def __init__(
        self,
        message: str | None = None,
        *,
        status: int | None = None,
        method: str | None = None,
        path: str | None = None,
        error_code: str | None = None,
        body_excerpt: str = "",
        product_message: str | None = None,
    ):
        self.message = message or self.default_message
        self.status = status
        self.method = method
        self.path = path
        self.error_code = error_code
        self.body_excerpt = body_excerpt
        # The product's own human-readable text (already scrubbed), e.g. "Login failed. Your password has expired."
        self.product_message = product_message
        super().__init__(self.message)

    def __str__(self) -> str:
        where = f"{self.method} {self.path}" if self.method else ""
        status = f" -> HTTP {self.status}" if self.status is not None else ""
        code = f" [{self.error_code}]" if self.error_code else ""
        return f"{self.message}{code} ({where}{status})" if where or status else self.message + code

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(message={self.message!r}, status={self.status!r}, method={self.method!r}, "
            f"path={self.path!r}, error_code={self.error_code!r}, body_excerpt={self.body_excerpt!r})"
        )

    def __reduce__(self):  # picklable across processes without the positional-args pitfall
        return (_rebuild, (type(self), self.__dict__.copy()))


def _rebuild(cls, state):
    err = cls.__new__(cls)
    Exception.__init__(err, state.get("message"))
    err.__dict__.update(state)
    return err


class LoginFailed(SecretServerError):
    """The token endpoint refused the credentials (bad password, locked, disabled — indistinguishable): a 4xx
    carrying Secret Server's own JSON ``error``. A 2xx without a token (HTML, malformed JSON) or a 4xx without
    a JSON error is ``UnexpectedResponse`` instead: an outage page must never count as a failed password."""

    default_message = "Login failed"


class PasswordExpired(LoginFailed):
    """The token endpoint's ``error`` text says the password expired; ``product_message`` holds that text."""

    default_message = "Secret Server password has expired"


class AccessDenied(SecretServerError):
    """``errorCode`` ``API_AccessDenied`` (HTTP 400 on the real server): the caller lacks permission."""

    default_message = "Access denied"


class ApprovalRequired(AccessDenied):
    """``errorCode`` containing ``ApprovalRequired``/``ValidateSecretAccessApproval``: needs an approved request."""

    default_message = "The secret requires approval"


class NotFound(SecretServerError):
    """HTTP 404 or an ``errorCode`` naming a missing object."""

    default_message = "Not found"


class AuthenticationFailed(SecretServerError):
    """HTTP 401/403 on a bearer call: missing, expired or revoked token."""

    default_message = "Authentication failed"


class ValidationFailed(SecretServerError):
    """HTTP 400 with ``modelState``; ``field_errors`` maps field name -> messages (scrubbed)."""

    default_message = "The request is invalid"

    def __init__(self, message: str | None = None, *, field_errors: Mapping[str, tuple[str, ...]] | None = None, **kw):
        super().__init__(message, **kw)
        self.field_errors: dict[str, tuple[str, ...]] = dict(field_errors or {})


class Unavailable(SecretServerError):
    """No usable answer in time: connection refused/reset, DNS, TLS, timeout or deadline, 5xx, 429."""

    default_message = "Secret Server is unavailable"

    def __init__(self, message: str | None = None, *, retry_after: float | None = None, **kw):
        super().__init__(message, **kw)
        self.retry_after = retry_after


class UnexpectedResponse(SecretServerError):
    """An answer we cannot use: HTML, wrong content type, invalid JSON, wrong shape, oversize, truncated."""

    default_message = "Unexpected response from Secret Server"
