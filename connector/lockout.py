"""The sign-in brute-force throttle: an attempt is *reserved* in the shared cache before Secret Server is called.

Why reserve first: counting after the password grant (and per process) let 12 of 60 concurrent wrong
passwords reach Secret Server in one process and 20 of 60 with four workers. Here every attempt takes a
slot with an atomic ``incr`` in the shared cache (LocMem in one process, Redis across workers) *before* the
call, so however many requests arrive at once, at most ``SIGNIN_FAILURES_PER_USER_IP`` of them per
(user name, address) and ``SIGNIN_FAILURES_PER_USER`` per user name reach Secret Server in a window.
The slot is then:

* kept when Secret Server refused the password (a failure; at the limit the account is locked out for
  ``SIGNIN_LOCKOUT_SECONDS``);
* given back when the password was right (and the (user, address) counter is cleared);
* given back when the outcome says nothing about the password (Secret Server unavailable, an expired
  password), so an outage never locks anyone out.

Counters key on the user name alone (lower-cased, trimmed), never on the domain: the empty domain,
``local`` and `` Local `` reach the same Secret Server account and must share one counter. The keys are
hashes, so the cache holds neither user names nor addresses.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

# Domain names Secret Server treats as "no domain" (a local account). SCIM app-settings default to
# ``SS_Domain=local`` (shared/docs/secretserver-api.md §1); "(local)" is how the login page lists it.
LOCAL_DOMAIN_ALIASES = frozenset({"", "local", "(local)"})


def domain_normalise(domain: str | None) -> str | None:
    """The domain to send to Secret Server: ``None`` for every alias of a local account, else trimmed."""
    cleaned = (domain or "").strip()
    return None if cleaned.lower() in LOCAL_DOMAIN_ALIASES else cleaned


def throttle_keys(username: str, ip: str | None) -> tuple[str, str]:
    """(per-user key, per-(user, address) key). The domain is deliberately not part of either."""
    who = (username or "").strip().lower()
    user_key = hashlib.sha256(who.encode()).hexdigest()[:32]
    pair_key = hashlib.sha256(f"{who}|{ip or '-'}".encode()).hexdigest()[:32]
    return f"signin:fail:u:{user_key}", f"signin:fail:ui:{pair_key}"


def _limits() -> tuple[int, int, int, int]:
    return (settings.SIGNIN_FAILURES_PER_USER_IP, settings.SIGNIN_FAILURES_PER_USER,
            settings.SIGNIN_FAILURE_WINDOW_SECONDS, settings.SIGNIN_LOCKOUT_SECONDS)


def counter_incr(key: str, ttl: int) -> int:
    """Atomic add+incr; restores the TTL if the key expired between the two (Redis ``incr`` pitfall)."""
    for _ in range(2):
        cache.add(key, 0, ttl)
        try:
            value = cache.incr(key)
        except ValueError:  # expired between add and incr: start again
            continue
        if value == 1:
            cache.touch(key, ttl)
        return value
    return 1


def _counter_decr(key: str) -> None:
    try:
        if cache.decr(key) < 0:
            cache.delete(key)
    except ValueError:  # expired or cleared meanwhile: nothing to give back
        pass


def signin_locked_out(username: str, ip: str | None) -> bool:
    """True while a lock is set for the user name or the (user name, address) pair."""
    user_key, pair_key = throttle_keys(username, ip)
    return bool(cache.get_many([user_key + ":lock", pair_key + ":lock"]))


@dataclass
class AttemptReservation:
    """One reserved sign-in attempt; settle it exactly once with ``failed``, ``succeeded`` or ``released``."""

    user_key: str
    pair_key: str
    settled: bool = False

    def failed(self) -> None:
        """Secret Server refused the password: the slot stays taken; lock at the limit."""
        if self._settle():
            per_pair, per_user, _window, lockout = _limits()
            counts = cache.get_many([self.pair_key, self.user_key])
            if (counts.get(self.pair_key) or 0) >= per_pair:
                cache.add(self.pair_key + ":lock", 1, lockout)
            if (counts.get(self.user_key) or 0) >= per_user:
                cache.add(self.user_key + ":lock", 1, lockout)

    def succeeded(self) -> None:
        """The password was right: give the per-user slot back and clear the (user, address) counter."""
        if self._settle():
            _counter_decr(self.user_key)
            cache.delete(self.pair_key)

    def released(self) -> None:
        """The outcome says nothing about the password (outage, expired password): not counted."""
        if self._settle():
            _counter_decr(self.user_key)
            _counter_decr(self.pair_key)

    def _settle(self) -> bool:
        first, self.settled = not self.settled, True
        return first


def signin_attempt_reserve(username: str, ip: str | None) -> AttemptReservation | None:
    """Take one attempt slot for (user name, address) atomically, or ``None`` when the limit is reached.

    Call this before Secret Server sees the password; ``None`` means answer "locked out" without calling it.
    """
    if signin_locked_out(username, ip):
        return None
    per_pair, per_user, window, _lockout = _limits()
    user_key, pair_key = throttle_keys(username, ip)
    if counter_incr(pair_key, window) > per_pair:
        _counter_decr(pair_key)
        return None
    if counter_incr(user_key, window) > per_user:
        _counter_decr(user_key)
        _counter_decr(pair_key)
        return None
    return AttemptReservation(user_key, pair_key)
