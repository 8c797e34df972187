"""Guarding the bearer-token check: random tokens must not cost one Secret Server call and one audit row each.

``bearer_authenticate`` sits in front of ``signin.bearer_check``:

* **Refusals are cached briefly** (``BEARER_REFUSAL_CACHE_SECONDS``, 30 s) under the token's SHA-256: the
  same refused token repeated costs no further Secret Server call.
* **Throttle per client address**: each check that has to ask Secret Server reserves a slot in the shared
  cache *before* the call (atomic ``incr``, like the sign-in lockout). A token Secret Server accepts gives its
  slot back; a refused one keeps it. At ``BEARER_REFUSALS_PER_ADDRESS`` (10) refusals in
  ``BEARER_REFUSAL_WINDOW_SECONDS`` (60 s) further unknown tokens from that address are answered 429 without
  calling Secret Server until the window ends.
* **Refusals are aggregated in the audit**: one ``auth.bearer`` failure row per address and window — written
  at the window's first refusal, so an attack is on record at once — and one ``denied`` row when the throttle
  trips, carrying the count. The count of requests turned away while throttled (and of refusals after the
  first, when the limit was not reached) is carried on the address's next row, in the next window.
"""
from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.cache import cache

from connector.lockout import counter_incr
from connector.services.audit import audit_record
from connector.services.signin import BearerTokenRefused, SigninOutcome, bearer_check


class BearerThrottled(Exception):
    """Too many refused tokens from this address; ``wait`` is the seconds until the window ends."""

    def __init__(self, wait: int):
        super().__init__(f"Too many refused access tokens from this address. Try again in {wait} seconds.")
        self.wait = wait


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:32]


@dataclass(frozen=True)
class _Window:
    """The fixed window an address is in now, and its cache keys."""

    address: str
    index: int
    seconds: int

    @classmethod
    def now(cls, address: str) -> _Window:
        seconds = settings.BEARER_REFUSAL_WINDOW_SECONDS
        return cls(address, int(time.time() // seconds), seconds)

    def key(self, what: str, index: int | None = None) -> str:
        return f"bearer:{what}:{_digest(self.address)}:{self.index if index is None else index}"

    @property
    def wait(self) -> int:
        return max(1, math.ceil((self.index + 1) * self.seconds - time.time()))


def _carried_over(window: _Window) -> int:
    """Refusals and throttled requests of the previous window that no audit row counted (taken once)."""
    previous = window.index - 1
    if not cache.add(window.key("carried", previous), 1, window.seconds * 3):
        return 0
    counts = cache.get_many([window.key("refusals", previous), window.key("throttled", previous)])
    refusals = counts.get(window.key("refusals", previous)) or 0
    throttled = counts.get(window.key("throttled", previous)) or 0
    # the first refusal had its own row; at the limit the throttle row counted all of them
    uncounted = refusals - 1 if 0 < refusals < settings.BEARER_REFUSALS_PER_ADDRESS else 0
    return uncounted + throttled


def _audit_refusal(window: _Window, request, *, first: bool, throttled: bool, refusals: int) -> None:
    if not (first or throttled):
        return  # counted in the window's refusal counter; carried onto the next row
    earlier = _carried_over(window)
    note = f"; {earlier} more in the previous window" if earlier else ""
    if throttled:
        message = (f"{refusals} tokens refused by Secret Server from {window.address} within {window.seconds} s: "
                   f"further tokens refused without asking Secret Server for {window.wait} s{note}")
        outcome = "denied"
    else:
        message = f"token refused by Secret Server (first from {window.address} in this {window.seconds} s window{note})"
        outcome = "failure"
    audit_record(action="auth.bearer", outcome=outcome, actor_name="", message=message[:500], request=request,
                 after={"address": window.address, "refusals": refusals, "earlier_unaudited": earlier,
                        "window_seconds": window.seconds})


def bearer_authenticate(token: str, *, address: str | None, request=None, now: datetime | None = None
                        ) -> SigninOutcome:
    """``bearer_check`` behind a refusal cache and a per-address throttle (see the module docstring).

    Raises ``BearerTokenRefused`` for a refused token (fresh or cached), ``BearerThrottled`` when the address
    is over its limit, and whatever ``bearer_check`` raises otherwise.
    """
    refused_key = "bearer:refused:" + hashlib.sha256(token.encode()).hexdigest()
    if cache.get(refused_key):
        raise BearerTokenRefused()
    window = _Window.now(address or "-")
    limit = settings.BEARER_REFUSALS_PER_ADDRESS
    slots = window.key("checks")
    if counter_incr(slots, window.seconds) > limit:
        _give_back(slots)
        counter_incr(window.key("throttled"), window.seconds * 3)
        raise BearerThrottled(window.wait)
    try:
        outcome = bearer_check(token, request=request, now=now, audit_refusal=False)
    except BearerTokenRefused:
        cache.set(refused_key, 1, settings.BEARER_REFUSAL_CACHE_SECONDS)
        refusals = counter_incr(window.key("refusals"), window.seconds * 3)
        _audit_refusal(window, request, first=refusals == 1, throttled=refusals == limit, refusals=refusals)
        raise
    except BaseException:
        _give_back(slots)
        raise
    _give_back(slots)
    return outcome


def _give_back(key: str) -> None:
    try:
        cache.decr(key)
    except ValueError:
        pass
