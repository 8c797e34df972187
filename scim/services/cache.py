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

GENERATION_KEY = "scim:list-generation:v1:{kind}"
_local: dict[tuple, tuple[int, float, object]] = {}
_lock = threading.Lock()


def _generation(kind: str) -> int:
    return int(cache.get(GENERATION_KEY.format(kind=kind)) or 0)


def cached_list(kind: str, endpoint_id: int, loader: Callable[[], object], *, load: bool = True):
    """The cached value, or ``loader()`` (stored) when missing or stale; None when ``load`` is False and missing."""
    key = (kind, endpoint_id)
    generation = _generation(kind)
    entry = _local.get(key)
    if entry is not None and entry[0] == generation and time.monotonic() - entry[1] < settings.SCIM_CACHE_SECONDS:
        return entry[2]
    if not load:
        return None
    value = loader()
    with _lock:
        _local[key] = (generation, time.monotonic(), value)
    return value


def lists_invalidate(kind: str) -> None:
    """After a SCIM write of ``kind`` ("users" or "groups"): every worker's cached list of that kind is stale
    (for every endpoint: they all see the same Secret Server)."""
    key = GENERATION_KEY.format(kind=kind)
    try:
        cache.incr(key)
    except ValueError:  # not set yet (or evicted): any new value differs from what workers hold
        cache.set(key, int(time.time() * 1000) % 1_000_000_000, None)
    with _lock:
        for cached in [k for k in _local if k[0] == kind]:
            _local.pop(cached, None)


def lists_clear_local() -> None:
    """Tests: forget this process's copies."""
    with _lock:
        _local.clear()
