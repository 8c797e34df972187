"""Every SCIM request, seen: a ``ScimRequestLog`` row (Messages page) and a line in the event log files.

The line goes to the same hourly/daily/weekly files as the audit rows (connector/logfiles.py), with
``"kind": "scim_request"``; bodies, tokens and passwords are never part of it.

With ``SCIM_REQUEST_LOG_ASYNC`` (the default outside tests) a request only queues its record; one
background thread per process writes the queue in batches about every half second, so an identity
provider never waits for (or contends on) a database write to see its answer. ``request_log_flush()``
writes what is queued now (tests, shutdown).
"""
from __future__ import annotations

import logging
import queue
import threading

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from connector import logfiles
from connector.services.audit import log_frequency_known
from scim.models import ScimRequestLog

logger = logging.getLogger(__name__)
KEEP_ROWS = 20_000  # the table is a recent-activity window, trimmed now and then; the files keep everything


BATCH = 500
_queue: queue.SimpleQueue = queue.SimpleQueue()
_writer: threading.Thread | None = None
_writer_lock = threading.Lock()


def request_log_write(*, endpoint_id, endpoint_name, ip, request_id, method, path, status, scim_type="",
                      detail="", duration_ms=0, ss_calls=0) -> None:
    """Best effort: a failure to log never fails the SCIM request (it is logged as a warning)."""
    row = dict(time=timezone.now(), endpoint_secret_id=endpoint_id, endpoint_name=(endpoint_name or "")[:255],
               client_ip=ip or None, request_id=(request_id or "")[:64], method=method[:10], path=path[:512],
               status=status, scim_type=(scim_type or "")[:32], detail=(detail or "")[:300],
               duration_ms=max(0, int(duration_ms)), ss_calls=ss_calls)
    if settings.SCIM_REQUEST_LOG_ASYNC:
        _queue.put(row)
        _writer_start()
    else:
        _write([row])


def request_log_flush() -> None:
    rows = []
    while True:
        try:
            rows.append(_queue.get_nowait())
        except queue.Empty:
            break
    if rows:
        _write(rows)


def _writer_start() -> None:
    global _writer
    if _writer is not None and _writer.is_alive():
        return
    with _writer_lock:
        if _writer is None or not _writer.is_alive():
            _writer = threading.Thread(target=_writer_loop, name="scim-request-log", daemon=True)
            _writer.start()


def _writer_loop() -> None:
    while True:
        rows = [_queue.get()]
        deadline = timezone.now().timestamp() + 0.5
        while len(rows) < BATCH and timezone.now().timestamp() < deadline:
            try:
                rows.append(_queue.get(timeout=0.1))
            except queue.Empty:
                continue
        close_old_connections()
        _write(rows)


def _write(rows: list[dict]) -> None:
    try:
        created = ScimRequestLog.objects.bulk_create([ScimRequestLog(**row) for row in rows])
        last = created[-1].pk if created and created[-1].pk else None
        if last is not None and last // 1000 != (last - len(rows)) // 1000:  # now and then: trim the window
            cutoff = ScimRequestLog.objects.order_by("-id").values_list("id", flat=True)[KEEP_ROWS:KEEP_ROWS + 1]
            if cutoff:
                ScimRequestLog.objects.filter(id__lte=cutoff[0]).delete()
    except Exception as exc:
        logger.warning("SCIM request log rows not written (%s)", type(exc).__name__)
    if not logfiles.event_log_enabled():
        return
    frequency = log_frequency_known()  # once per batch: it reads the shared cache
    for row in rows:
        _file_line({**row, "kind": "scim_request", "time": row["time"].strftime("%Y-%m-%dT%H:%M:%S.%fZ")},
                   frequency)


def _file_line(record: dict, frequency: str) -> None:
    try:
        logfiles.event_log_append_record(record, frequency=frequency)
    except Exception as exc:
        logger.warning("SCIM request not written to the log file (%s)", type(exc).__name__)
