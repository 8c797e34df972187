"""The connector's log files: one JSON line per audit event, a new file every hour, day or week.

A second, independent copy of the audit trail (like a second Vault audit device) that a SIEM can ship
with any file tailer. The database row is the source of truth: ``connector.services.audit.audit_record``
calls ``event_log_write`` only after the row has committed (``transaction.on_commit``), so a rolled-back
row never reaches a file, and a failure to write the file never undoes or blocks the action: it is logged
as a warning and counted (``event_log_failures()``).

Files
-----
``{CONNECTOR_LOG_DIR}/scim-connector-{period}.jsonl``, the period in UTC, chosen by the "Log frequency"
setting (passed by the audit writer from the settings as last known locally, never a Secret Server call):

- Hourly: ``scim-connector-2026-11-28T20.jsonl``
- Daily:  ``scim-connector-2026-11-28.jsonl``
- Weekly: ``scim-connector-2026-W48.jsonl`` (ISO week and ISO year: 2027-01-01 is in ``2026-W53``)

A line lands in the file of the period its event happened in (the row's own ``time``). Old files are
never deleted or rewritten; retention is the operator's (or the SIEM's) business. ``CONNECTOR_LOG_DIR=""``
turns file logging off.

Several gunicorn workers append to the same file: every write opens the file with ``O_APPEND`` and puts
the whole line down with one ``os.write``, so lines never interleave, and no file handle outlives a write
(a new period needs no rotation step, and moving old files away is safe at any time).

Each line carries every hashed column of the row plus ``prev_hash`` and ``row_hash``, so with the audit
HMAC key a file can be checked against the chain on its own (``before``/``after``/``message`` are the
already-redacted values the database holds).
"""
from __future__ import annotations

import json
import logging
import os
import threading
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

logger = logging.getLogger(__name__)

__all__ = [
    "FILE_PREFIX",
    "event_log_enabled",
    "event_log_failures",
    "event_log_line",
    "event_log_path",
    "event_log_period",
    "event_log_write",
]

FILE_PREFIX = "scim-connector-"
FILE_SUFFIX = ".jsonl"
FILE_MODE = 0o640
DIR_MODE = 0o750
DEFAULT_FREQUENCY = "Hourly"
_OPEN_FLAGS = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOFOLLOW", 0)

_failures = 0
_failures_lock = threading.Lock()


def event_log_dir() -> Path | None:
    """The configured directory, or None when file logging is off (``CONNECTOR_LOG_DIR`` empty)."""
    configured = settings.CONNECTOR_LOG_DIR
    return Path(configured) if configured not in (None, "") else None


def event_log_enabled() -> bool:
    return event_log_dir() is not None


def event_log_failures() -> int:
    """How many lines this process could not write since it started."""
    return _failures


def _count_failure() -> None:
    global _failures
    with _failures_lock:
        _failures += 1


def event_log_period(frequency: str, now: datetime) -> str:
    """The file's period label for ``now`` (UTC): ``2026-11-28T20``, ``2026-11-28`` or ``2026-W48``.

    An unknown frequency is treated as the default (Hourly): a bad setting never stops the log.
    """
    if timezone.is_naive(now):
        now = timezone.make_aware(now, UTC)
    now = now.astimezone(UTC)
    if frequency == "Daily":
        return now.strftime("%Y-%m-%d")
    if frequency == "Weekly":
        year, week, _ = now.isocalendar()
        return f"{year:04d}-W{week:02d}"
    return now.strftime("%Y-%m-%dT%H")


def event_log_path(frequency: str, now: datetime, directory: Path | None = None) -> Path | None:
    """Where a line for ``now`` goes, or None when file logging is off."""
    directory = directory if directory is not None else event_log_dir()
    if directory is None:
        return None
    return directory / f"{FILE_PREFIX}{event_log_period(frequency, now)}{FILE_SUFFIX}"


def _time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_log_line(event) -> bytes:
    """One audit row as one JSON line (UTF-8, ``\\n``-terminated, ASCII-only so no reader splits it)."""
    record = {
        "time": _time(event.time),
        "seq": event.seq,
        "actor_name": event.actor_name,
        "source_ip": event.source_ip,
        "request_id": event.request_id,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "target_repr": event.target_repr,
        "outcome": event.outcome,
        "message": event.message,
        "before": event.before,
        "after": event.after,
        "prev_hash": event.prev_hash,
        "row_hash": event.row_hash,
    }
    text = json.dumps(record, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    return (text + "\n").encode("ascii")


def _open(path: Path) -> int:
    try:
        return os.open(path, _OPEN_FLAGS, FILE_MODE)
    except FileNotFoundError:
        path.parent.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
        return os.open(path, _OPEN_FLAGS, FILE_MODE)


def _append(path: Path, line: bytes) -> None:
    fd = _open(path)
    try:
        written = os.write(fd, line)  # one write of the whole line: O_APPEND keeps concurrent lines whole
        if written != len(line):
            raise OSError(f"short write ({written} of {len(line)} bytes)")
    finally:
        os.close(fd)


def event_log_append_record(record: dict, *, frequency: str | None = None) -> None:
    """Append one non-audit record (e.g. a SCIM request line) to the current log file; the caller passes the
    "Log frequency" setting as the audit writer does. Raises on failure: the caller decides how loud to be."""
    directory = event_log_dir()
    if directory is None:
        return
    path = event_log_path(frequency or DEFAULT_FREQUENCY, timezone.now(), directory)
    line = json.dumps(record, separators=(",", ":"), ensure_ascii=True, default=str) + "\n"
    _append(path, line.encode("ascii"))


def event_log_write(event, *, now: datetime | None = None, frequency: str | None = None) -> Path | None:
    """Append ``event`` to the current log file; return the file's path (None when off or on failure).

    ``now`` picks the file (default: the event's own time); ``frequency`` is the "Log frequency" setting,
    passed by the audit writer (this module reads no settings: it sits below the services).
    Never raises: a failure is logged as a warning and counted; the database row is already committed.
    """
    try:
        directory = event_log_dir()
        if directory is None:
            return None
        when = now or getattr(event, "time", None) or timezone.now()
        path = event_log_path(frequency or DEFAULT_FREQUENCY, when, directory)
        _append(path, event_log_line(event))
        return path
    except Exception as exc:
        _count_failure()
        logger.warning("log file: audit row seq %s was not written to the log file (%s: %s); "
                       "the database audit trail has it", getattr(event, "seq", "?"), type(exc).__name__,
                       getattr(exc, "strerror", None) or exc)
        return None
