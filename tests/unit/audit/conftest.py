"""Fixtures for the audit tests (the flush bypass plugin is registered by the root tests/conftest.py)."""
import pytest
from django.db import connection

from connector.services.audit import audit_maintenance, audit_record


@pytest.fixture
def write_events():
    """write_events(n, **overrides) -> list of AuditEvent, actions "test.event<i>"."""

    def write(n, **overrides):
        fields = {"outcome": "success", "actor_name": "alice", "target_type": "endpoint"}
        fields.update(overrides)
        return [audit_record(action=f"test.event{i}", target_id=str(i), after={"i": i}, **fields)
                for i in range(1, n + 1)]

    return write


@pytest.fixture
def as_attacker():
    """Run raw SQL with the append-only triggers lifted: an attacker (or DBA) with full database rights."""

    def run(sql, params=()):
        with audit_maintenance(), connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.rowcount

    return run
