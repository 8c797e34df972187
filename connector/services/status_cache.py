"""Secret Server status for Home and Settings › Secret Server, kept in the shared cache for a short while.

Both pages used to ask Secret Server on every view (health check on a new connection + version on Home,
folder + SCIMSecret reads on Settings › Secret Server): most of an idle session's Secret Server traffic.
A status is now computed at most once per ``STATUS_FRESH_SECONDS`` across all workers (``STATUS_PROBLEM_SECONDS``
while something is wrong, so a recovery shows quickly). The key carries the bootstrap record's version, so a
new setup or a re-created folder/SCIMSecret is shown at once.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

from connector.services.connection import bootstrap_version

STATUS_FRESH_SECONDS = 60
STATUS_PROBLEM_SECONDS = 15

T = TypeVar("T")


def status_cached(name: str, compute: Callable[[], T], *, healthy: Callable[[T], bool]) -> T:
    """``compute()`` at most once per freshness window for this bootstrap version; never caches an exception."""
    key = f"connector:status:{name}:{bootstrap_version()}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, STATUS_FRESH_SECONDS if healthy(value) else STATUS_PROBLEM_SECONDS)
    return value

