"""Tokens: the OAuth grants (shared/docs/secretserver-api.md §1) and the application account's cached token.

Design (style.md "Client package"; reliability-security.md §3):

* The application account's token lives in ``django.core.cache.caches["default"]`` (Redis in production,
  LocMem in tests) under ``secretserver:token:<sha256(url, username, domain)>`` — the password is never part
  of the key nor of the value. The value is ``{"access_token", "refresh_token", "expires_at"}``.
* It is reused until shortly before expiry: a fresh grant is due when less than ``max(60 s, 10 %)`` of its
  lifetime is left (never more than half of the lifetime, so short-lived tokens still get reused).
* One worker at a time renews it: ``cache.add(lock_key, ..., timeout=lock_ttl)``. The others keep using the
  old token while it is still valid, or wait briefly re-reading the cache, then fall back to granting
  themselves if the lock holder died. The renewer uses the single-use refresh token when it has one and
  falls back to the password grant.
* ``invalidate(token)`` drops the cached entry when it still holds that token (a 403 on a bearer call);
  the client then asks for a token once more and retries the call once — never in a loop.
* A person's token is never cached: the client takes it as ``access_token=`` (``StaticToken``).
"""
from __future__ import annotations

import hashlib
import logging
import os
import time
import uuid
from typing import Protocol

from . import errors as E
from .transport import TOKEN_PATH, Transport
from .types import TokenGrant

log = logging.getLogger("connector.secretserver")

__all__ = ["TokenProvider", "StaticToken", "CachedTokenProvider", "request_password_grant",
           "request_refresh_grant", "token_cache_key"]


def request_password_grant(transport: Transport, username: str, password: str, domain: str | None = None,
                           otp: str | None = None) -> TokenGrant:
    """§1 ``POST /oauth2/token`` grant_type=password — never retried (retry=False)."""
    form = {"grant_type": "password", "username": username, "password": password}
    if domain:
        form["domain"] = domain
    resp = transport.request("POST", TOKEN_PATH, form=form, retry=False, token_call=True,
                             secrets=[password, otp or ""])
    return _grant_from(resp)


def request_refresh_grant(transport: Transport, refresh_token: str) -> TokenGrant:
    """§1 ``POST /oauth2/token`` grant_type=refresh_token — never retried (refresh tokens are single-use)."""
    resp = transport.request("POST", TOKEN_PATH, form={"grant_type": "refresh_token", "refresh_token": refresh_token},
                             retry=False, token_call=True, secrets=[refresh_token])
    return _grant_from(resp)


def _grant_from(resp) -> TokenGrant:
    try:
        return TokenGrant.from_json(resp.data)
    except (ValueError, TypeError) as exc:
        # A 200 without a usable token is not Secret Server refusing the credentials (that is a 4xx with an
        # ``error``): it must not count as a failed password.
        raise E.UnexpectedResponse(f"Token endpoint answered without a usable token ({exc})", status=resp.status,
                                   method=resp.method, path=resp.path) from None


class TokenProvider(Protocol):
    def get_token(self) -> str: ...

    def invalidate(self, token: str) -> bool:
        """Forget ``token``; True when a fresh one may be obtained (so the call is worth retrying once)."""


class StaticToken:
    """A token handed in by the caller (a person's, from their own password grant). Never cached."""

    def __init__(self, token: str):
        self._token = token

    def __repr__(self) -> str:
        return "StaticToken(***)"

    def get_token(self) -> str:
        return self._token

    def invalidate(self, token: str) -> bool:
        return False


def token_cache_key(base_url: str, username: str, domain: str | None) -> str:
    material = "\n".join([base_url.rstrip("/").lower(), username.strip().lower(), (domain or "").strip().lower()])
    return "secretserver:token:" + hashlib.sha256(material.encode()).hexdigest()


class CachedTokenProvider:
    """The application account's token, shared by every worker through the Django cache."""

    def __init__(self, transport: Transport, username: str, password: str, domain: str | None = None, *,
                 cache=None, lock_ttl: float = 15.0, wait: float = 3.0, poll: float = 0.05,
                 min_margin: float = 60.0, margin_fraction: float = 0.10, clock=time.time):
        if cache is None:
            from django.core.cache import caches

            cache = caches["default"]
        self.transport = transport
        self.username = username
        self._password = password
        self.domain = domain
        self.cache = cache
        self.key = token_cache_key(transport.base_url, username, domain)
        self.lock_key = self.key + ":lock"
        self.lock_ttl = lock_ttl
        self.wait = wait
        self.poll = poll
        self.min_margin = min_margin
        self.margin_fraction = margin_fraction
        self.clock = clock
        self.grants = 0  # grants this instance performed (password or refresh), for tests and the bench

    def __repr__(self) -> str:
        return f"CachedTokenProvider(url={self.transport.base_url!r}, username={self.username!r}, password=***)"

    # -- cache entry -------------------------------------------------------------------------------------
    def _read(self) -> dict | None:
        entry = self.cache.get(self.key)
        return entry if isinstance(entry, dict) and entry.get("access_token") else None

    def _fresh(self, entry: dict | None) -> bool:
        if not entry:
            return False
        lifetime = max(1.0, float(entry.get("lifetime", 1200)))
        margin = min(max(self.min_margin, self.margin_fraction * lifetime), lifetime / 2)
        return entry["expires_at"] - self.clock() > margin

    def _usable(self, entry: dict | None) -> bool:
        return bool(entry) and entry["expires_at"] - self.clock() > 5.0

    def _store(self, grant: TokenGrant) -> dict:
        lifetime = max(1, int(grant.expires_in))
        entry = {"access_token": grant.access_token, "refresh_token": grant.refresh_token,
                 "expires_at": self.clock() + lifetime, "lifetime": lifetime}
        self.cache.set(self.key, entry, timeout=lifetime)
        return entry

    def _grant(self, previous: dict | None) -> dict:
        grant = None
        refresh = previous.get("refresh_token") if previous else None
        if refresh and self._usable(previous):
            try:
                grant = request_refresh_grant(self.transport, refresh)
            except E.LoginFailed:
                grant = None  # single-use or over the refresh limit: fall back to the password
        if grant is None:
            grant = request_password_grant(self.transport, self.username, self._password, self.domain)
        self.grants += 1
        log.debug("secretserver application token renewed (expires_in=%s)", grant.expires_in)
        return self._store(grant)

    # -- public ------------------------------------------------------------------------------------------
    def get_token(self) -> str:
        entry = self._read()
        if self._fresh(entry):
            return entry["access_token"]
        owner = f"{os.getpid()}:{uuid.uuid4().hex}"
        if self.cache.add(self.lock_key, owner, timeout=max(1, int(self.lock_ttl))):
            try:
                entry = self._read()  # someone may have finished just before we took the lock
                if self._fresh(entry):
                    return entry["access_token"]
                return self._grant(entry)["access_token"]
            finally:
                if self.cache.get(self.lock_key) == owner:
                    self.cache.delete(self.lock_key)
        # Someone else is renewing. Keep using the old token while it is valid; else wait and re-read.
        if self._usable(entry):
            return entry["access_token"]
        deadline = time.monotonic() + self.wait
        while time.monotonic() < deadline:
            time.sleep(self.poll)
            entry = self._read()
            if self._usable(entry):
                return entry["access_token"]
            if self.cache.get(self.lock_key) is None:  # holder finished (or failed) without a token
                break
        # The holder died or failed: grant ourselves (and publish it for the others).
        return self._grant(self._read())["access_token"]

    def invalidate(self, token: str) -> bool:
        entry = self._read()
        if entry and entry.get("access_token") == token:
            self.cache.delete(self.key)
        return True
