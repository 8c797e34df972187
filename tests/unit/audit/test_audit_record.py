"""audit_record: one chained row per call, actor copies, request ids outside requests, the HMAC key."""
from datetime import UTC

import pytest
from django.db import IntegrityError, transaction

from connector.models import AuditEvent
from connector.services import audit as audit_service
from connector.services.audit import GENESIS_HASH, AuditWriteError, audit_chain_verify, audit_record, audit_run

pytestmark = pytest.mark.django_db


def test_it_writes_the_first_row_on_the_genesis_hash_and_links_the_next(django_user_model):
    alice = django_user_model.objects.create_user("alice")
    first = audit_record(action="endpoint.create", outcome="success", actor=alice, target_type="endpoint",
                         target_id=7, target_repr="HR app", before=None, after={"name": "HR app"},
                         message="created")
    second = audit_record(action="endpoint.delete", outcome="denied", actor_name="bob")

    first.refresh_from_db()
    assert (first.seq, first.prev_hash) == (1, GENESIS_HASH)
    assert (second.seq, second.prev_hash) == (2, first.row_hash)
    assert first.actor_id == alice.pk and first.actor_name == "alice"
    assert (first.target_type, first.target_id, first.target_repr) == ("endpoint", "7", "HR app")
    assert first.after == {"name": "HR app"} and first.before is None and first.message == "created"
    assert first.time.tzinfo is not None and first.time.utcoffset().total_seconds() == 0
    assert second.actor is None and second.actor_name == "bob" and second.outcome == "denied"
    assert len(first.row_hash) == 64 and first.row_hash != second.row_hash


def test_the_chain_verifies_after_many_writes(write_events):
    events = write_events(60)
    status = audit_chain_verify(chunk_size=7)  # many chunks: the walk pages by seq

    assert status.ok, status
    assert (status.count, status.first_seq, status.head_seq, status.head_hash) == (60, 1, 60, events[-1].row_hash)
    assert list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True)) == list(range(1, 61))


def test_an_empty_trail_verifies():
    status = audit_chain_verify()
    assert status.ok and status.count == 0 and status.head_seq is None


def test_a_user_with_audit_rows_cannot_be_deleted_so_the_hashed_actor_id_never_changes(django_user_model):
    from django.db.models import ProtectedError

    carol = django_user_model.objects.create_user("carol")
    event = audit_record(action="login.success", outcome="success", actor=carol)

    with pytest.raises(ProtectedError):
        carol.delete()  # deactivate instead: is_active=False
    carol.is_active = False
    carol.save()

    event.refresh_from_db()
    assert event.actor_id == carol.pk and event.hash_version == 2
    assert audit_chain_verify().ok


def test_an_anonymous_actor_is_kept_by_name_only():
    from django.contrib.auth.models import AnonymousUser

    event = audit_record(action="login.failure", outcome="failure", actor=AnonymousUser(), actor_name="mallory")
    assert event.actor is None and event.actor_name == "mallory"


@pytest.mark.parametrize(
    "action, outcome",
    [("Endpoint Create", "success"), ("endpoint", "success"), ("x." + "y" * 70, "success"), ("login.success", "ok")],
)
def test_a_malformed_call_raises_value_error_and_writes_nothing(action, outcome):
    with pytest.raises(ValueError):
        audit_record(action=action, outcome=outcome)
    with pytest.raises(ValueError):
        audit_record(action="login.success", outcome="success", after={"when": object()})
    assert not AuditEvent.objects.exists()


def test_rows_outside_a_request_share_the_process_run_id_and_audit_run_gives_a_fresh_one():
    a = audit_record(action="mirror.sync", outcome="success", actor_name="system")
    b = audit_record(action="mirror.sync", outcome="success", actor_name="system")
    with audit_run("sync_mirror") as run_id:
        c = audit_record(action="mirror.sync", outcome="success", actor_name="system")
        d = audit_record(action="mirror.sync", outcome="success", actor_name="system")

    assert a.request_id == b.request_id == audit_service._process_run_id
    assert c.request_id == d.request_id == run_id and run_id.startswith("sync_mirror-")
    assert a.source_ip is None


def test_it_takes_the_ip_and_id_from_an_explicit_request(rf):
    request = rf.get("/", REMOTE_ADDR="203.0.113.9")
    request.id = "trace-0123456789"
    event = audit_record(action="login.success", outcome="success", actor_name="alice", request=request)
    assert (event.source_ip, event.request_id) == ("203.0.113.9", "trace-0123456789")


def test_the_chain_is_keyed_by_audit_hmac_key(settings, write_events):
    write_events(3)
    settings.AUDIT_HMAC_KEY = "another-key"
    status = audit_chain_verify()
    assert not status.ok and status.first_bad_seq == 1 and status.reason.startswith("hash mismatch")


def test_an_empty_audit_hmac_key_is_derived_from_secret_key_with_a_label(settings):
    settings.AUDIT_HMAC_KEY = ""
    derived = audit_service._hmac_key()
    assert len(derived) == 32 and settings.SECRET_KEY.encode() not in derived
    assert derived == audit_service._hmac_key()
    settings.SECRET_KEY = settings.SECRET_KEY + "x"
    assert audit_service._hmac_key() != derived


def test_a_fork_cannot_commit(write_events):
    first, second = write_events(2)
    fork = AuditEvent(seq=3, time=second.time, action="test.fork", outcome="success",
                      prev_hash=first.row_hash, row_hash="f" * 64)
    with pytest.raises(IntegrityError), transaction.atomic():
        fork.save(force_insert=True)
    fork.seq, fork.prev_hash = 2, second.row_hash  # right link, taken seq
    with pytest.raises(IntegrityError), transaction.atomic():
        fork.save(force_insert=True)


def test_a_stale_head_is_refused_with_audit_write_error(write_events, monkeypatch):
    write_events(2)
    stale = AuditEvent.objects.filter(seq=1)
    monkeypatch.setattr(audit_service.AuditEvent.objects, "using", lambda alias: stale)  # head looks like seq 1
    with pytest.raises(AuditWriteError):
        audit_record(action="test.stale", outcome="success")
    monkeypatch.undo()
    assert AuditEvent.objects.count() == 2 and audit_chain_verify().ok


def test_times_are_utc_microseconds(write_events):
    (event,) = write_events(1)
    stored = AuditEvent.objects.get(pk=event.pk).time
    assert stored == event.time and stored.astimezone(UTC) == stored
