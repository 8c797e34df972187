"""The database refuses UPDATE, DELETE (and TRUNCATE) of audit rows; only audit_maintenance() lifts that."""
import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction

from connector.models import AuditEvent
from connector.services.audit import audit_chain_verify, audit_maintenance, audit_record
from tests.plugins import audit_flush

APPEND_ONLY = "append-only"


def _refused(operation):
    with pytest.raises(IntegrityError, match=APPEND_ONLY), transaction.atomic():
        operation()


def _raw(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
def test_the_triggers_are_installed():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'connector_auditevent'::regclass "
                           "AND NOT tgisinternal AND tgenabled = 'O' ORDER BY tgname")
            expected = ["connector_auditevent_append_only_row", "connector_auditevent_append_only_truncate"]
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' "
                           "AND tbl_name = 'connector_auditevent' ORDER BY name")
            expected = ["connector_auditevent_no_delete", "connector_auditevent_no_update"]
        assert [name for (name,) in cursor.fetchall()] == expected


@pytest.mark.django_db
def test_orm_and_raw_updates_and_deletes_are_refused(write_events, django_user_model):
    event, _ = write_events(2)
    someone = django_user_model.objects.create_user("someone")

    _refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(message="rewritten"))
    _refused(lambda: AuditEvent.objects.update(actor=someone))  # actor_id is hashed: never changes
    _refused(lambda: AuditEvent.objects.filter(pk=event.pk).delete())
    _refused(lambda: AuditEvent.objects.all().delete())
    _refused(lambda: AuditEvent.objects.get(pk=event.pk).delete())
    event.message = "rewritten"
    _refused(lambda: event.save())
    _refused(lambda: _raw("UPDATE connector_auditevent SET outcome = 'success' WHERE seq = 1"))
    _refused(lambda: _raw("DELETE FROM connector_auditevent WHERE seq = 2"))
    _refused(lambda: _raw("DELETE FROM connector_auditevent"))
    if connection.vendor == "postgresql":
        _raw("SET CONSTRAINTS ALL IMMEDIATE")  # else TRUNCATE meets the deferred FK checks of this transaction
        _refused(lambda: _raw("TRUNCATE connector_auditevent"))
        _refused(lambda: _raw("TRUNCATE auth_user CASCADE"))

    assert AuditEvent.objects.count() == 2 and audit_chain_verify().ok


@pytest.mark.django_db
def test_nulling_the_actor_is_refused(django_user_model):
    grace = django_user_model.objects.create_user("grace")
    audit_record(action="login.success", outcome="success", actor=grace)
    _refused(lambda: AuditEvent.objects.update(actor=None))
    _refused(lambda: AuditEvent.objects.update(actor=None, actor_name="nobody"))


@pytest.mark.django_db
def test_audit_maintenance_lifts_the_triggers_only_inside_its_block(write_events):
    write_events(2)
    with audit_maintenance():
        AuditEvent.objects.filter(seq=2).delete()
    assert AuditEvent.objects.count() == 1
    _refused(lambda: AuditEvent.objects.all().delete())


@pytest.mark.django_db
def test_audit_maintenance_is_undone_when_its_block_fails(write_events):
    write_events(1)
    with pytest.raises(ZeroDivisionError):
        with transaction.atomic(), audit_maintenance():
            1 / 0
    _refused(lambda: AuditEvent.objects.all().delete())


@pytest.mark.postgres
@pytest.mark.django_db
def test_on_postgresql_a_role_that_does_not_own_the_table_cannot_use_the_bypass(write_events):
    if connection.vendor != "postgresql":
        pytest.skip("roles exist only on PostgreSQL")
    write_events(1)
    _raw("SET CONSTRAINTS ALL IMMEDIATE")
    _raw("CREATE ROLE scim_audit_runtime_test NOLOGIN")  # rolled back with the test's transaction
    _raw("GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON connector_auditevent TO scim_audit_runtime_test")
    _raw("SET LOCAL ROLE scim_audit_runtime_test")
    _raw("SET LOCAL scim.audit_maintenance = 'on'")
    _refused(lambda: _raw("DELETE FROM connector_auditevent"))
    _refused(lambda: _raw("TRUNCATE connector_auditevent"))


@pytest.mark.django_db(transaction=True)
def test_the_harness_can_flush_audit_rows_but_plain_flush_cannot(write_events):
    """Transactional tests end with flush (TRUNCATE on PostgreSQL, DELETE on SQLite)."""
    write_events(3)

    audit_flush.uninstall()
    try:
        with pytest.raises(CommandError) as refused:
            call_command("flush", interactive=False, verbosity=0)
        assert isinstance(refused.value.__cause__, IntegrityError) and APPEND_ONLY in str(refused.value.__cause__)
    finally:
        audit_flush.install()
    assert AuditEvent.objects.count() == 3

    call_command("flush", interactive=False, verbosity=0)
    assert AuditEvent.objects.count() == 0

    write_events(2)  # left for the teardown flush, which must succeed too
    _refused(lambda: _raw("DELETE FROM connector_auditevent"))  # the bypass ended with the flush
    assert audit_chain_verify().ok


@pytest.mark.django_db(transaction=True)
def test_ordinary_updates_are_refused_outside_a_test_transaction_too(write_events):
    write_events(2)
    with pytest.raises(IntegrityError, match=APPEND_ONLY):
        AuditEvent.objects.filter(seq=1).update(message="x")
    with pytest.raises(IntegrityError, match=APPEND_ONLY):
        AuditEvent.objects.filter(seq=2).delete()
    assert AuditEvent.objects.count() == 2
