"""``BoundedMemo``: the per-process memo of the pages' pure renderings (header, URLs, static paths, filter bar, sort
options, settings fields, audit verification box).

Each remembers output that depends only on its key, which callers build from everything the output reads.
Keys may come from a client (paths, submitted filter values), so the memo is bounded. When it is full it
starts over instead of tracking recency: the working set of these pages is small, and starting over needs no
lock (a concurrent ``put`` at worst clears twice).
"""
from __future__ import annotations


class BoundedMemo(dict):
    """A dict of at most ``size`` entries, emptied when a ``put`` of a new key finds it full."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def put(self, key, value):
        """Remember ``value`` under ``key`` and return it."""
        if len(self) >= self.size and key not in self:
            self.clear()
        self[key] = value
        return value
