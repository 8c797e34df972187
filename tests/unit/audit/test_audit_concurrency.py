"""Many writers at once leave one valid chain with no gaps (pg_advisory_xact_lock + UNIQUE seq/prev_hash)."""
import threading

import pytest
from django.db import connection, connections

from connector.models import AuditEvent
from connector.services.audit import audit_chain_verify, audit_record

THREADS = 20
WRITES_PER_THREAD = 5


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_leave_a_valid_chain_without_gaps():
    if connection.vendor != "postgresql":
        pytest.skip("the in-memory SQLite test database is shared-cache: writers get 'table is locked'")
    barrier = threading.Barrier(THREADS)
    errors = []

    def writer(n):
        try:
            barrier.wait(timeout=30)
            for i in range(WRITES_PER_THREAD):
                audit_record(action="test.concurrent", outcome="success", actor_name=f"writer{n}", target_id=i)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()  # this thread's own connection

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    total = THREADS * WRITES_PER_THREAD
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, total + 1))
    status = audit_chain_verify()
    assert status.ok and status.count == total, status
    assert AuditEvent.objects.values("actor_name").distinct().count() == THREADS
