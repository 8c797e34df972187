"""Fail closed: no audit row, no action. The intent/outcome discipline of audited()."""
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, transaction

from connector.models import AuditEvent
from connector.services import audit as audit_service
from connector.services.audit import AuditWriteError, audit_chain_verify, audit_record, audited

pytestmark = pytest.mark.django_db


def _break_inserts(monkeypatch):
    def fail(event, using):
        raise DatabaseError("disk full")

    monkeypatch.setattr(audit_service, "_insert", fail)


def test_a_failed_insert_raises_audit_write_error_and_leaves_no_row(monkeypatch):
    _break_inserts(monkeypatch)
    with pytest.raises(AuditWriteError) as raised:
        audit_record(action="endpoint.create", outcome="success")
    assert isinstance(raised.value.__cause__, DatabaseError)
    assert not AuditEvent.objects.exists()


def test_the_audited_body_never_runs_when_the_intent_row_fails(monkeypatch):
    _break_inserts(monkeypatch)
    ran = []
    with pytest.raises(AuditWriteError):
        with audited(action="endpoint.create", actor_name="alice"):
            ran.append("vault call")
    assert ran == [] and not AuditEvent.objects.exists()


def test_a_failed_audit_write_inside_the_callers_transaction_leaves_it_usable(monkeypatch, django_user_model):
    with transaction.atomic():
        django_user_model.objects.create_user("dave")
        with monkeypatch.context() as patch:
            _break_inserts(patch)
            with pytest.raises(AuditWriteError):
                audit_record(action="user.create", outcome="success")
        audit_record(action="user.create", outcome="success", actor_name="dave")
    assert AuditEvent.objects.get().seq == 1 and audit_chain_verify().ok


def test_audited_writes_intent_then_success_with_the_handles_details():
    with audited(action="endpoint.create", actor_name="alice", target_type="endpoint",
                 before=None, message="creating HR app") as audit:
        audit.after = {"name": "HR app", "password": "hunter2"}
        audit.target_id, audit.target_repr = 12, "HR app"
        audit.message = "created"

    intent, outcome = AuditEvent.objects.order_by("seq")
    assert (intent.outcome, intent.message, intent.target_id) == ("intent", "creating HR app", "")
    assert (outcome.outcome, outcome.message, outcome.target_id, outcome.target_repr) == (
        "success", "created", "12", "HR app")
    assert outcome.after == {"name": "HR app", "password": "[redacted]"}
    assert intent.request_id == outcome.request_id and intent.actor_name == outcome.actor_name == "alice"
    assert audit.result == outcome and audit.intent == intent


class VaultRefused(Exception):
    audit_outcome = "failure"
    safe_message = "Secret Server refused the change"


@pytest.mark.parametrize(
    "exc, outcome, message",
    [
        (RuntimeError("password=hunter2 leaked in str()"), "error", "RuntimeError"),
        (PermissionDenied("not an approver"), "denied", "PermissionDenied: not an approver"),
        (ValidationError("name is required"), "failure", "ValidationError: name is required"),
        (VaultRefused("raw body with token"), "failure", "VaultRefused: Secret Server refused the change"),
    ],
)
def test_audited_records_the_failure_with_a_safe_message_and_reraises(exc, outcome, message):
    with pytest.raises(type(exc)):
        with audited(action="endpoint.delete", actor_name="alice", target_id=3):
            raise exc

    intent, result = AuditEvent.objects.order_by("seq")
    assert intent.outcome == "intent"
    assert (result.outcome, result.message, result.target_id) == (outcome, message, "3")
    assert "hunter2" not in result.message


def test_the_outcome_row_commits_in_the_same_transaction_as_the_state_change(django_user_model):
    with audited(action="user.create", actor_name="admin", target_type="user") as audit:
        with transaction.atomic():
            user = django_user_model.objects.create_user("erin")  # stands in for a mirror write
            audit.record(target_id=user.pk, target_repr="erin", after={"username": "erin"})

    assert [e.outcome for e in AuditEvent.objects.order_by("seq")] == ["intent", "success"]
    assert AuditEvent.objects.get(outcome="success").target_id == str(user.pk)


def test_when_the_state_change_rolls_back_so_does_its_outcome_row_and_an_error_row_follows(django_user_model):
    class MirrorWriteFailed(Exception):
        safe_message = "the vault was changed but the local mirror was not"

    with pytest.raises(MirrorWriteFailed):
        with audited(action="user.create", actor_name="admin", target_type="user") as audit:
            with transaction.atomic():
                django_user_model.objects.create_user("frank")
                audit.record(after={"username": "frank"})
                raise MirrorWriteFailed()

    assert not django_user_model.objects.filter(username="frank").exists()
    rows = list(AuditEvent.objects.order_by("seq").values_list("seq", "outcome", "message"))
    assert rows == [(1, "intent", ""),
                    (2, "error", "MirrorWriteFailed: the vault was changed but the local mirror was not")]
    assert audit_chain_verify().ok


def test_an_error_after_the_outcome_committed_adds_no_second_outcome():
    with pytest.raises(KeyError):
        with audited(action="endpoint.create", actor_name="alice") as audit:
            audit.record()
            raise KeyError("later")
    assert [e.outcome for e in AuditEvent.objects.order_by("seq")] == ["intent", "success"]


def test_recording_twice_is_a_programming_error():
    with pytest.raises(RuntimeError):
        with audited(action="endpoint.create", actor_name="alice") as audit:
            audit.record()
            audit.record()
