"""A few seconds' reuse, in this process, of a small shared-cache read that every view of a page repeats.

The history page asks the shared cache whether the mirror was synchronised in the last 30 s, the audit page for
its cached verification box: one more round trip per view, on pages viewed many times a minute. A
``LocalMemo`` keeps the answer for ``seconds`` (2 by default) in the process, so a busy worker asks at most
every two seconds. The answer may thus be up to that much older than the shared cache's, on top of the
shared cache's own lifetime (which each caller documents). A flush of the shared cache (a new bootstrap
token, read with the session at no extra cost: connector/sessions.py) drops every memo at once.
"""
from __future__ import annotations

import time

from connector.services.shared_versions import BOOTSTRAP_VERSION_KEY, shared_version

MISSING = object()


class LocalMemo:
    """One remembered value with an expiry (monotonic clock) and the shared cache's epoch it belongs to."""

    def __init__(self, seconds: float = 2.0):
        self.seconds = seconds
        self._entry: tuple | None = None  # (value, until, epoch), replaced whole: no lock needed

    def get(self):
        """The remembered value, or MISSING when there is none, it is older than ``seconds`` or the shared
        cache has been flushed since."""
        entry = self._entry
        if entry is None or time.monotonic() >= entry[1] or entry[2] != shared_version(BOOTSTRAP_VERSION_KEY):
            return MISSING
        return entry[0]

    def put(self, value) -> None:
        """Remember ``value`` for the memo's ``seconds``."""
        self._entry = (value, time.monotonic() + self.seconds, shared_version(BOOTSTRAP_VERSION_KEY))

    def clear(self) -> None:
        self._entry = None
