"""Writes whose answer was lost: did Secret Server apply them anyway?

A write that timed out, or whose answer was a 5xx or garbage, may still have been applied: Secret Server
keeps working after the client gave up (the emulator's latency fault reproduces it). Reporting such a
write as failed was wrong twice over: the audit trail recorded a failure for a change that happened, and a
regenerated endpoint token was live in Secret Server while nobody had seen it (the old one stopped working
at the next sync). So every ambiguous write failure is reconciled: the caller says what it expected to
land, and ``write_reconciled`` re-reads until it sees it or gives up.

* Secret Server refused (400 access denied, validation, not found): nothing was applied; no re-read.
* It answered with an error or garbage, or the connection was refused or reset: the request is over on the
  server's side, so one re-read decides.
* It did not answer in time: the request may still be running, so re-read (0.2 s, doubling to 2 s) for up to
  ``SECRET_SERVER_WRITE_RECONCILE_SECONDS`` (10 s by default). A write that lands even later than that is
  not seen here: the next sync mirrors it (ASSUMPTION: Secret Server finishes or abandons a request within
  its own request timeout, which is far below the connector's session lengths).
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import TypeVar

from django.conf import settings

from connector.secretserver import SecretServerError, Unavailable, UnexpectedResponse

logger = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

FIRST_DELAY, MAX_DELAY = 0.2, 2.0


def _still_running(exc: SecretServerError) -> bool:
    """No status line came back and the request was sent: the server may still be working on it."""
    return isinstance(exc, Unavailable) and exc.status is None and not exc.message.startswith("Cannot connect")


def write_reconciled(write: Callable[[], T], confirm: Callable[[], R | None], *,
                     window: float | None = None) -> tuple[T | R, bool]:
    """``(write(), False)``; or, when the write's answer was lost but ``confirm()`` (a re-read returning what
    landed, or None) shows it was applied, ``(confirm(), True)``. Otherwise the write's own error is raised."""
    try:
        return write(), False
    except (Unavailable, UnexpectedResponse) as exc:
        window = settings.SECRET_SERVER_WRITE_RECONCILE_SECONDS if window is None else window
        deadline = time.monotonic() + (window if _still_running(exc) else 0)
        delay = FIRST_DELAY
        while True:
            try:
                seen = confirm()
            except SecretServerError:
                seen = None
            if seen is not None:
                logger.warning("secretserver write %s %s: answer lost (%s) but the change landed",
                               exc.method, exc.path, type(exc).__name__)
                return seen, True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise exc
            time.sleep(min(delay, remaining))
            delay = min(delay * 2, MAX_DELAY)
