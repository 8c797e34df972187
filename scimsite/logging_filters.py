"""Logging filters wired in settings.LOGGING."""
from __future__ import annotations

import logging


class RefusedAccessOneLine(logging.Filter):
    """An expected refusal (403) is one line, not a traceback.

    Django logs every PermissionDenied on ``django.request`` with the exception attached, so each page an
    auditor may not open printed a full traceback. The line keeps the status, method and path; real
    errors (5xx) keep their tracebacks.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == "django.request" and getattr(record, "status_code", None) == 403 and record.exc_info:
            record.exc_info = None
            record.exc_text = None
            request = getattr(record, "request", None)
            record.msg = "403 refused: %s %s"
            record.args = (getattr(request, "method", "") or "-", getattr(request, "path", "") or "-")
        return True
