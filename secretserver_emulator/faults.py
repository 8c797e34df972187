"""Fault injection: the next `count` matching API calls misbehave in one chosen way.

Faults never apply to /_emulator/ controls or the HTML page, only to the
Secret Server surface (/api/..., /oauth2/...).
"""
from __future__ import annotations

import threading
from dataclasses import asdict, dataclass

from .http import ApiError, as_int

KINDS = ("latency", "status", "drop", "truncate", "malformed", "html")
API_PREFIXES = ("/api/", "/oauth2/")


@dataclass
class Fault:
    kind: str
    count: int = 1
    status: int = 500
    latencyMs: int = 0
    pathPrefix: str | None = None
    method: str | None = None  # e.g. "PUT": only calls with this HTTP method (any when unset)

    def matches(self, path: str, method: str | None = None) -> bool:
        lowered = path.lower()
        return lowered.startswith(API_PREFIXES) and (
            not self.pathPrefix or lowered.startswith(self.pathPrefix.lower())) and (
            not self.method or method is None or self.method.upper() == method.upper())


def make_fault(kind, count=1, status=500, latency_ms=0, path_prefix=None, method=None) -> Fault:
    errors = {}
    if kind not in KINDS:
        errors["kind"] = ["Must be one of " + ", ".join(KINDS) + "."]
    count = as_int(count, 1)
    if count is None or count < 1:
        errors["count"] = ["Must be a positive integer."]
    status = as_int(status, 500)
    if kind == "status" and status not in (500, 502, 503, 504):
        errors["status"] = ["Must be 500, 502, 503 or 504."]
    if errors:
        raise ApiError(400, {"message": "The request is invalid.", "modelState": errors})
    return Fault(kind, count, status, as_int(latency_ms, 0) or 0, path_prefix or None,
                 str(method).upper() if method else None)


class FaultQueue:
    """Thread-safe FIFO of pending faults; `take` consumes one use of the first match."""

    def __init__(self):
        self._lock = threading.Lock()
        self._faults: list[Fault] = []

    def add(self, fault: Fault):
        with self._lock:
            self._faults.append(fault)

    def clear(self):
        with self._lock:
            self._faults.clear()

    def pending(self) -> list[dict]:
        with self._lock:
            return [asdict(f) for f in self._faults]

    def take(self, path: str, method: str | None = None) -> Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.matches(path, method):
                    fault.count -= 1
                    if fault.count <= 0:
                        self._faults.remove(fault)
                    return fault
        return None


IIS_HTML = b"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"/>
<title>IIS Windows Server</title></head><body><div id="container"><h1>Service Unavailable</h1>
<p>The service is temporarily unavailable. Please try again later.</p></div></body></html>"""

MALFORMED_JSON = b'{"success": true, "records": [{"id": 1, "name": "trunc'
