"""Skip the database health check when the connection was checked a moment ago.

With ``CONN_HEALTH_CHECKS`` Django pings every persistent connection (``SELECT 1``) before the first query of
each request, so that a database restarted while a worker sat idle costs one failed ping, not a failed
request. On a busy worker that is one extra database round trip per page (the list pages' query count doubles
on the wire). Much like HikariCP's ``aliveBypassWindowMs``, a connection that was pinged (or opened) by a request
that then finished without errors less than ``DB_ALIVE_BYPASS_SECONDS`` ago (default 1 s; 0 turns this off) is
taken as alive, so a busy worker pings about once a second instead of on every request. A request that skipped
the ping never moves the window: it may not have touched the database at all. A restart makes every connection
fail its requests while the database is down (Django then closes them), and a worker that was idle through it
is past the window and pings as before. What remains is a connection killed on the server within a second
after its last check: its next request fails once and the connection is replaced.
"""
from __future__ import annotations

import time

from django.conf import settings
from django.db import connections


def _bypass_seconds() -> float:
    return float(getattr(settings, "DB_ALIVE_BYPASS_SECONDS", 1.0))


def db_connections_answered() -> None:
    """Called as a request leaves the middleware (RequestIdMiddleware, the outermost): a connection this request
    really checked (pinged or opened) and used without errors is alive as of now."""
    now = time.monotonic()
    for conn in connections.all(initialized_only=True):
        if getattr(conn, "connector_check_skipped", False):
            conn.connector_check_skipped = False
        elif conn.connection is not None and conn.health_check_done and not conn.errors_occurred:
            conn.connector_checked_at = now


def db_health_check_bypass() -> None:
    """Called as a request enters the middleware, after ``request_started`` (Django's ``close_old_connections``
    asks for a new health check there): a connection checked within the window is marked checked."""
    window = _bypass_seconds()
    if window <= 0:
        return
    now = time.monotonic()
    for conn in connections.all(initialized_only=True):
        checked = getattr(conn, "connector_checked_at", None)
        if (conn.connection is not None and getattr(conn, "health_check_enabled", False)
                and not conn.health_check_done and checked is not None and 0 <= now - checked < window):
            conn.health_check_done = True
            conn.connector_check_skipped = True
