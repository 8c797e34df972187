"""Django system checks for deployment facts the code cannot fix by itself.

The sign-in lockout (connector/lockout.py), the bearer-token throttle and the application account's token
are shared through the default cache. A process-local cache (LocMem, dummy) gives every worker its own
counters: with N workers an attacker gets N times the attempts. That is an error, not a warning, as soon as
the deployment says it runs more than one worker.
"""
from __future__ import annotations

import os

from django.conf import settings
from django.core.checks import Error, Tags, register

PROCESS_LOCAL_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


def configured_workers() -> int:
    """Worker processes the deployment declares: ``CONNECTOR_WORKERS`` or gunicorn's ``WEB_CONCURRENCY``."""
    declared = [settings.CONNECTOR_WORKERS, os.environ.get("WEB_CONCURRENCY", "")]
    counts = []
    for value in declared:
        try:
            counts.append(int(str(value).strip()))
        except ValueError:
            continue
    return max(counts + [1])


@register(Tags.security, Tags.caches)
def check_shared_cache_for_workers(app_configs=None, **kwargs):
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    workers = configured_workers()
    if backend in PROCESS_LOCAL_CACHES and workers > 1:
        return [Error(
            f"The default cache ({backend.rsplit('.', 1)[-1]}) is local to one process but {workers} workers "
            "are configured: the sign-in lockout and the bearer-token throttle would count per worker.",
            hint="Set CACHE_URL to a shared cache (e.g. redis://host:6379/0), or run one worker.",
            id="connector.E001",
        )]
    return []
