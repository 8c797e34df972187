"""Every SCIM request, seen: a ``ScimRequestLog`` row (Messages page) and a line in the event log files.

The line goes to the same hourly/daily/weekly files as the audit rows (connector/logfiles.py), with
``"kind": "scim_request"``; bodies, tokens and passwords are never part of it.
"""
from __future__ import annotations

import json
import logging
import os

from django.utils import timezone

from connector import logfiles
from scim.models import ScimRequestLog

logger = logging.getLogger(__name__)
KEEP_ROWS = 20_000  # the table is a recent-activity window, trimmed now and then; the files keep everything


def request_log_write(*, endpoint_id, endpoint_name, ip, request_id, method, path, status, scim_type="",
                      detail="", duration_ms=0, ss_calls=0) -> None:
    """Best effort: a failure to log never fails the SCIM request (it is logged as a warning)."""
    now = timezone.now()
    row = dict(time=now, endpoint_secret_id=endpoint_id, endpoint_name=(endpoint_name or "")[:255],
               client_ip=ip or None, request_id=(request_id or "")[:64], method=method[:10], path=path[:512],
               status=status, scim_type=(scim_type or "")[:32], detail=(detail or "")[:300],
               duration_ms=max(0, int(duration_ms)), ss_calls=ss_calls)
    try:
        created = ScimRequestLog.objects.create(**row)
        if created.pk % 1000 == 0:
            cutoff = ScimRequestLog.objects.order_by("-id").values_list("id", flat=True)[KEEP_ROWS:KEEP_ROWS + 1]
            if cutoff:
                ScimRequestLog.objects.filter(id__lte=cutoff[0]).delete()
    except Exception as exc:
        logger.warning("SCIM request log row not written (%s)", type(exc).__name__)
    _file_line({**row, "kind": "scim_request", "time": now.strftime("%Y-%m-%dT%H:%M:%S.%fZ")})


def _file_line(record: dict) -> None:
    try:
        directory = logfiles.event_log_dir()
        if directory is None:
            return
        path = logfiles.event_log_path(logfiles._frequency(), timezone.now(), directory)
        line = (json.dumps(record, separators=(",", ":"), ensure_ascii=True, default=str) + "\n").encode("ascii")
        fd = logfiles._open(path)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)
    except Exception as exc:
        logger.warning("SCIM request not written to the log file (%s)", type(exc).__name__)
