"""Migration 0008 (hash version 2): rows written before it keep verifying, and the triggers survive it."""
from datetime import UTC, datetime

import pytest
from django.db import IntegrityError, connection
from django.db.migrations.executor import MigrationExecutor

from connector.services.audit import GENESIS_HASH, _row_hash, audit_chain_verify, audit_record

pytestmark = pytest.mark.django_db(transaction=True)
BEFORE, AFTER = [("connector", "0007_endpoint_allow_sensitive_reads")], [("connector", "0008_auditevent_hash_v2")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def test_old_rows_become_version_1_and_the_chain_verifies_across_the_migration():
    _migrate(BEFORE)
    try:
        prev = GENESIS_HASH
        with connection.cursor() as cursor:
            for seq in (1, 2):
                row = {"seq": seq, "time": datetime(2026, 1, 1, 12, seq, tzinfo=UTC), "actor_name": "old",
                       "source_ip": None, "request_id": "run-x", "action": "test.old", "target_type": "",
                       "target_id": str(seq), "target_repr": "", "before": None, "after": None,
                       "outcome": "success", "message": ""}
                row_hash = _row_hash(prev, row)
                cursor.execute(
                    "INSERT INTO connector_auditevent (seq, time, actor_id, actor_name, source_ip, request_id, action,"
                    " target_type, target_id, target_repr, before, after, outcome, message, prev_hash, row_hash)"
                    " VALUES (%s, %s, NULL, 'old', NULL, 'run-x', 'test.old', '', %s, '', NULL, NULL, 'success', '',"
                    " %s, %s)", [seq, row["time"].strftime("%Y-%m-%d %H:%M:%S.%f"), str(seq), prev, row_hash])
                prev = row_hash
    finally:
        _migrate(AFTER)
    audit_record(action="test.new", outcome="success", actor_name="new")
    from connector.models import AuditEvent
    assert list(AuditEvent.objects.order_by("seq").values_list("hash_version", flat=True)) == [1, 1, 2]
    assert audit_chain_verify().ok
    with pytest.raises(IntegrityError):  # the append-only triggers were re-installed after the rebuild
        AuditEvent.objects.filter(seq=1).update(message="x")
