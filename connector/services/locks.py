"""One administrative write to Secret Server at a time, across every worker.

Settings and endpoint saves read Secret Server, check (revision, unique name, https rule) and then write.
Secret Server has no conditional update, so two workers could both pass the check before either writes.
This lock, held in the shared cache (Redis in production), makes the read-check-write sequences of all
workers run one after another; the second writer then sees the first one's revision and is refused
with the current values instead of silently overwriting them. Admin writes are rare, so one lock for
all of them costs nothing and also closes cross-object races (two endpoints created with one name,
"allow HTTP" switched off while an http endpoint is being added).
"""
from __future__ import annotations

import functools
import time
import uuid
from contextlib import contextmanager

from django.core.cache import cache

from connector.errors import Busy
from connector.messages import MSG_WRITES_BUSY

WRITE_LOCK_KEY = "scim-connector:lock:secretserver-writes"
# Longer than any one write can take (a few calls, each under the client's total deadline), so a lock left by a
# crashed worker expires on its own.
WRITE_LOCK_TTL_SECONDS = 60
WRITE_LOCK_WAIT_SECONDS = 60  # how long a second writer waits before giving up with WritesBusy
BUSY_MESSAGE = MSG_WRITES_BUSY


class WritesBusy(Busy):
    """The write lock stayed taken for the whole wait: nothing was read or written (409, Retry-After: 1)."""

    safe_message = "Refused: another change to Secret Server was in progress."


@contextmanager
def secretserver_write_lock(*, wait_seconds: float | None = None, poll_seconds: float = 0.05):
    """Hold the connector-wide write lock for the block; waits for it, else raises WritesBusy."""
    token = uuid.uuid4().hex
    deadline = time.monotonic() + (WRITE_LOCK_WAIT_SECONDS if wait_seconds is None else wait_seconds)
    while not cache.add(WRITE_LOCK_KEY, token, WRITE_LOCK_TTL_SECONDS):
        if time.monotonic() >= deadline:
            raise WritesBusy()
        time.sleep(poll_seconds)
    try:
        yield
    finally:
        if cache.get(WRITE_LOCK_KEY) == token:  # never release a lock that expired and was taken by another
            cache.delete(WRITE_LOCK_KEY)


def serialized_write(service):
    """Decorator: run a write service (its read, checks and write) under the connector-wide write lock."""

    @functools.wraps(service)
    def wrapped(*args, **kwargs):
        with secretserver_write_lock():
            return service(*args, **kwargs)

    return wrapped
