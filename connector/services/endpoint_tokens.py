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
import threading
import time
import uuid
import zlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import transaction
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


def endpoint_token_verify(token: str, *, now: datetime | None = None, connector_disabled: bool | None = None):
    """The active ``EndpointMirror`` this bearer token belongs to, or None.

    Order: format and checksum (cheap reject), lookup by token id, constant-time sha256 comparison,
    expiry, then the connector-disabled switch (the only check that may need settings; a caller that has
    just read the settings passes ``connector_disabled``).
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
    if connector_disabled is not None:
        return None if connector_disabled else mirror
    try:
        if configuration_service.settings_current().connector_disabled:
            return None
    except Exception:  # settings unreadable: fail closed
        return None
    return mirror


# --- verified tokens, remembered per process until any endpoint record changes -------------------------
#
# A SCIM request must not cost a database lookup to check its token. A token that verified is remembered
# in this process (by its sha256, never in plaintext) together with the "endpoint tokens version" read
# from the shared cache BEFORE the database lookup. Every write of endpoint records (token issued or
# regenerated, endpoint edited, deleted, deactivated by a sync) sets a new version (``endpoint_tokens_changed``):
# the next check in any worker sees a different version and verifies against the database again, so a
# revoked token is refused on its very next use. The version is one key for all endpoints: a token does not
# name its endpoint before the lookup, and a sync changes several at once; endpoint writes are rare admin
# actions, so re-verifying every token after one costs nothing. Expiry is checked on every use.

TOKENS_VERSION_KEY = "endpoint-tokens:version:v1"
VERIFIED_MAX_SECONDS = 300  # a safety bound: even with an unchanged version, look again after this long
VERIFIED_MAX_ENTRIES = 1000
_verified: dict[str, tuple[str, float, EndpointMirror]] = {}
_verified_lock = threading.Lock()


def tokens_version_key() -> str:
    return TOKENS_VERSION_KEY


def _bump() -> None:
    cache.set(TOKENS_VERSION_KEY, uuid.uuid4().hex, None)


def endpoint_tokens_changed() -> None:
    """After any write of endpoint records: every worker forgets the tokens it verified.

    Bumped at once and again when the surrounding transaction commits (a check in between may have read
    the row as it was before the commit)."""
    _bump()
    transaction.on_commit(_bump)
    with _verified_lock:
        _verified.clear()


_UNREAD = object()


def endpoint_token_verify_cached(token: str, *, version=_UNREAD, connector_disabled: bool | None = None,
                                 now: datetime | None = None):
    """``endpoint_token_verify`` with the per-process memory above.

    ``version``: the value of ``tokens_version_key()`` if the caller read it already (one round trip for
    several keys); it must have been read before this call, never after.
    """
    if token_parse(token) is None:
        return None
    if version is _UNREAD:
        version = cache.get(TOKENS_VERSION_KEY)
    if version is None:  # never set, or evicted: start a version nobody has remembered anything under
        cache.add(TOKENS_VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(TOKENS_VERSION_KEY)
    digest = token_hash(token)
    now = now or timezone.now()
    entry = _verified.get(digest)
    if entry is not None and version is not None and entry[0] == version and \
            time.monotonic() - entry[1] < VERIFIED_MAX_SECONDS and entry[2].token_expires_at > now:
        if connector_disabled is None:
            try:
                connector_disabled = configuration_service.settings_current().connector_disabled
            except Exception:  # settings unreadable: fail closed
                return None
        return None if connector_disabled else entry[2]
    mirror = endpoint_token_verify(token, now=now, connector_disabled=connector_disabled)
    with _verified_lock:
        if mirror is None or version is None:
            _verified.pop(digest, None)
        else:
            if len(_verified) >= VERIFIED_MAX_ENTRIES:
                _verified.clear()
            _verified[digest] = (version, time.monotonic(), mirror)
    return mirror
