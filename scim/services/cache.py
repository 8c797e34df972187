"""Per-endpoint, per-process caches of Secret Server lists, dropped on writes from any worker.

A SCIM request must not walk Secret Server: the full list of users (or groups) is loaded once, kept in
this process for at most ``SCIM_CACHE_SECONDS`` and shared by the requests of that endpoint. Every SCIM
write bumps a generation number in the shared Django cache (Redis in production), so every worker drops
its copy on its next request. Changes made in Secret Server directly show up within the TTL; lookups that
decide a write (the duplicate-name check) always ask Secret Server.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache

GENERATION_KEY = "scim:list-generation:v1"
_local: dict[tuple, tuple[int, float, object]] = {}
_lock = threading.Lock()


def _generation() -> int:
    return int(cache.get(GENERATION_KEY) or 0)


def cached_list(kind: str, endpoint_id: int, loader: Callable[[], object], *, load: bool = True):
    """The cached value, or ``loader()`` (stored) when missing or stale; None when ``load`` is False and missing."""
    key = (kind, endpoint_id)
    generation = _generation()
    entry = _local.get(key)
    if entry is not None and entry[0] == generation and time.monotonic() - entry[1] < settings.SCIM_CACHE_SECONDS:
        return entry[2]
    if not load:
        return None
    value = loader()
    with _lock:
        _local[key] = (generation, time.monotonic(), value)
    return value


def lists_invalidate() -> None:
    """After a SCIM write: every worker's cached lists are stale (all endpoints see the same Secret Server)."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:  # not set yet (or evicted): any new value differs from what workers hold
        cache.set(GENERATION_KEY, int(time.time() * 1000) % 1_000_000_000, None)
    with _lock:
        _local.clear()


def lists_clear_local() -> None:
    """Tests: forget this process's copies."""
    with _lock:
        _local.clear()
