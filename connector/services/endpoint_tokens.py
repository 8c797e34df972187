"""SCIM endpoint bearer tokens: ``scim_<id>_<secret>_<checksum>`` (reliability-security.md §2).

- ``scim_``: a fixed prefix, so secret scanners (gitleaks, GitHub custom patterns) can spot leaked tokens.
- ``<id>``: 8 lowercase base36 characters, stored in clear: it finds the endpoint without scanning.
- ``<secret>``: 32 base62 characters from ``secrets`` (about 190 bits).
- ``<checksum>``: CRC32 of ``scim_<id>_<secret>`` as 6 base62 characters: typos and random strings are
  rejected before any database lookup.

Only ``sha256(token)`` is kept (in the endpoint's Secret Server notes and in the local mirror); a slow
KDF buys nothing for 190 random bits. Comparison is constant-time (``hmac.compare_digest``).
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
import string
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from connector.models import EndpointMirror
from connector.services import configuration_service

TOKEN_PREFIX = "scim_"
TOKEN_TYPE = "ExpiringToken"
_BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
_ID_ALPHABET = string.digits + string.ascii_lowercase
ID_LENGTH = 8
SECRET_LENGTH = 32
CHECKSUM_LENGTH = 6
TOKEN_RE = re.compile(r"^scim_([0-9a-z]{8})_([0-9A-Za-z]{32})_([0-9A-Za-z]{6})$")
TOKEN_PATTERN_FOR_SCANNERS = r"scim_[0-9a-z]{8}_[0-9A-Za-z]{32}_[0-9A-Za-z]{6}"


def _base62(number: int, width: int) -> str:
    digits = []
    while number:
        number, rem = divmod(number, 62)
        digits.append(_BASE62[rem])
    return "".join(reversed(digits)).rjust(width, "0")


def token_checksum(body: str) -> str:
    """CRC32 of ``scim_<id>_<secret>`` in base62 (6 characters; 62**6 > 2**32)."""
    return _base62(zlib.crc32(body.encode("ascii")) & 0xFFFFFFFF, CHECKSUM_LENGTH)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    """A freshly generated token. ``value`` is shown once and must never be stored or logged."""

    value: str
    token_id: str
    hash: str
    prefix: str
    issued_at: datetime
    expires_at: datetime

    def __repr__(self) -> str:  # keep the plaintext out of tracebacks and debug output
        return f"IssuedToken(token_id={self.token_id!r}, prefix={self.prefix!r}, expires_at={self.expires_at!r})"

    __str__ = __repr__


def token_generate(lifetime_days: int, *, now: datetime | None = None) -> IssuedToken:
    """A new random token living ``lifetime_days`` (fixed at issue: later setting changes do not apply)."""
    token_id = "".join(secrets.choice(_ID_ALPHABET) for _ in range(ID_LENGTH))
    secret = "".join(secrets.choice(_BASE62) for _ in range(SECRET_LENGTH))
    body = f"{TOKEN_PREFIX}{token_id}_{secret}"
    value = f"{body}_{token_checksum(body)}"
    issued = (now or timezone.now()).replace(microsecond=0)
    return IssuedToken(value=value, token_id=token_id, hash=token_hash(value),
                       prefix=f"{TOKEN_PREFIX}{token_id}_{secret[:4]}…", issued_at=issued,
                       expires_at=issued + timedelta(days=int(lifetime_days)))


def token_parse(token: str) -> str | None:
    """The token id if ``token`` is well-formed and its checksum matches; else None (no database needed)."""
    if not isinstance(token, str) or len(token) > 64:
        return None
    match = TOKEN_RE.match(token)
    if not match:
        return None
    body = token[: -(CHECKSUM_LENGTH + 1)]
    if not hmac.compare_digest(token_checksum(body), match.group(3)):
        return None
    return match.group(1)


def endpoint_token_verify(token: str, *, now: datetime | None = None):
    """The active ``EndpointMirror`` this bearer token belongs to, or None.

    Order: format and checksum (cheap reject), lookup by token id, constant-time sha256 comparison,
    expiry, then the connector-disabled switch (the only check that may need settings).
    """
    token_id = token_parse(token)
    if token_id is None:
        return None
    mirror = EndpointMirror.objects.filter(token_id=token_id, active=True).first()
    if mirror is None or not mirror.token_hash:
        return None
    if not hmac.compare_digest(token_hash(token), mirror.token_hash):
        return None
    if mirror.token_expires_at is None or mirror.token_expires_at <= (now or timezone.now()):
        return None
    try:
        if configuration_service.settings_current().connector_disabled:
            return None
    except Exception:  # settings unreadable: fail closed
        return None
    return mirror
