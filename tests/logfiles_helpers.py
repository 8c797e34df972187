"""Helpers for the log-file tests (tests/unit/logfiles/): a committed-looking AuditEvent, the lines of a file."""
import json
from datetime import UTC, datetime

from connector.models import AuditEvent


def make_event(seq=1, when=datetime(2026, 11, 28, 20, 15, 30, 123456, tzinfo=UTC), **fields):
    """An unsaved AuditEvent shaped like a committed row (no database needed)."""
    values = {"actor_name": "alice", "source_ip": "192.0.2.7", "request_id": "req-1", "action": "test.event",
              "target_type": "endpoint", "target_id": str(seq), "target_repr": "HR app", "before": None,
              "after": {"i": seq}, "outcome": "success", "message": "", "prev_hash": f"{seq - 1:064x}",
              "row_hash": f"{seq:064x}"}
    values.update(fields)
    return AuditEvent(seq=seq, time=when, **values)


def read_lines(path):
    return [json.loads(line) for line in path.read_bytes().decode("ascii").splitlines()]
