"""The audit head published to Secret Server (SCIMAuditAnchor), and verify_audit --anchor-from-secret-server."""
import json
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from connector.access import Role
from connector.models import AuditEvent, EndpointMirror
from connector.services.audit import audit_anchor, audit_maintenance, audit_record
from connector.services.audit_anchor import (
    HISTORY_SIZE,
    AuditAnchorRollback,
    AuditAnchorUnavailable,
    audit_anchor_fetch,
    audit_anchor_publish,
)
from connector.services.endpoints import endpoint_sync
from tests.helpers import sign_in_as

pytestmark = pytest.mark.django_db(transaction=False)
NAME = "SCIMAuditAnchor testhost"
FOLDER = "SCIM testhost"


def _run(command, *args):
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def _notes(ss):
    secret = ss.state.secret_by_name(NAME)
    return json.loads(ss.state.secret_items(secret["id"])["notes"])


def _anchor_rows():
    return list(AuditEvent.objects.filter(action="audit.anchor").order_by("seq"))


def _write(n):
    for i in range(n):
        audit_record(action="test.event", outcome="success", actor_name="alice", target_id=i)


def _delete_tail(count):
    """An attacker with full database rights deletes the newest rows (triggers lifted)."""
    head = audit_anchor().seq
    with transaction.atomic(), audit_maintenance(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM connector_auditevent WHERE seq > %s", [head - count])


def test_publish_creates_the_secret_in_the_scim_folder_with_the_json(ss, configured):
    _write(3)
    head = audit_anchor()
    output = _run("audit_anchor")

    assert f"published to Secret Server: {head}" in output
    secret = ss.state.secret_by_name(NAME)
    assert secret["folderId"] == ss.state.folder_by_name(FOLDER)["id"] == configured.folder_id
    assert secret["secretTemplateId"] == 9
    items = ss.state.secret_items(secret["id"])
    assert items["url"] == "scim-connector://testhost" and items["username"] == "audit-anchor"
    assert items["password"]
    notes = json.loads(items["notes"])
    assert notes["schema"] == "scim-connector-audit-anchor" and notes["version"] == 1
    assert (notes["seq"], notes["rowHash"]) == (head.seq, head.row_hash)
    assert notes["at"].endswith("Z") and notes["previousSeq"] is None
    assert notes["history"] == [{"seq": head.seq, "rowHash": head.row_hash, "at": notes["at"]}]
    assert audit_anchor_fetch() == head


def test_publishing_again_updates_the_same_secret_and_keeps_history(ss, configured):
    _write(2)
    first = audit_anchor_publish()
    _write(2)
    second = audit_anchor_publish()

    assert sum(s["name"] == NAME for s in ss.state.secrets.values()) == 1
    notes = _notes(ss)
    assert second.seq == first.seq + 3  # the first publish's row and two events
    assert (notes["seq"], notes["previousSeq"]) == (second.seq, first.seq)
    assert [h["seq"] for h in notes["history"]] == [second.seq, first.seq]


def test_history_is_capped(ss, configured):
    _write(1)
    for _ in range(HISTORY_SIZE + 2):
        audit_anchor_publish()
    history = _notes(ss)["history"]
    assert len(history) == HISTORY_SIZE
    assert history[0]["seq"] == audit_anchor().seq - 1  # newest first


def test_an_idle_publish_still_updates_the_time(ss, configured):
    _write(1)
    first = audit_anchor_publish()
    at_first = _notes(ss)["at"]
    second = audit_anchor_publish()  # nothing happened in between but the first publish's own row
    notes = _notes(ss)

    assert notes["at"] > at_first
    assert second.seq == first.seq + 1
    assert AuditEvent.objects.get(seq=second.seq).action == "audit.anchor"  # the anchored head is that row


def test_one_audit_row_per_publish_recording_what_was_published(ss, configured):
    _write(2)
    before = AuditEvent.objects.count()
    anchor = audit_anchor_publish()
    assert AuditEvent.objects.count() == before + 1
    (row,) = _anchor_rows()
    assert row.seq == anchor.seq + 1 and row.outcome == "success"  # the head *before* the row is anchored
    assert row.after["seq"] == anchor.seq and row.after["rowHash"] == anchor.row_hash
    assert row.target_repr == NAME
    audit_anchor_publish()
    assert len(_anchor_rows()) == 2 and AuditEvent.objects.count() == before + 2


def test_verify_from_secret_server_passes_on_a_good_chain(ss, configured):
    _write(3)
    anchor = audit_anchor_publish()
    _write(2)  # rows after the anchor are fine
    output = _run("verify_audit", "--anchor-from-secret-server")
    assert f"using anchor {anchor} from Secret Server" in output
    assert "OK:" in output


def test_verify_from_secret_server_fails_after_the_tail_is_deleted(ss, configured):
    _write(5)
    anchor = audit_anchor_publish()
    _delete_tail(3)  # the publish row and the two rows before it: the chain is still internally valid
    assert _run("verify_audit").startswith("OK:")

    with pytest.raises(CommandError, match=rf"BAD at seq .*tail deleted: the anchor is at seq {anchor.seq}") as bad:
        _run("verify_audit", "--anchor-from-secret-server")
    assert bad.value.returncode != 0


def test_publishing_after_a_deleted_tail_is_refused(ss, configured):
    _write(5)
    anchor = audit_anchor_publish()
    _delete_tail(3)
    rows = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="no longer in the local audit chain"):
        _run("audit_anchor")
    assert _notes(ss)["seq"] == anchor.seq and AuditEvent.objects.count() == rows
    with pytest.raises(AuditAnchorRollback):
        audit_anchor_publish()
    # After a deliberate restore: accepted, and the rollback stays visible in the document and the row.
    _run("audit_anchor", "--allow-rollback")
    notes = _notes(ss)
    assert notes["previousSeq"] == anchor.seq > notes["seq"]
    assert anchor.seq in [h["seq"] for h in notes["history"]]
    assert "rollback accepted" in _anchor_rows()[-1].message


def test_secret_server_down_fails_with_a_clear_message_and_nothing_local_changes(ss, configured):
    _write(2)
    rows = AuditEvent.objects.count()
    ss.inject_fault("drop", count=5)
    with pytest.raises(CommandError, match=r"Audit anchor not published: Secret Server could not store the audit "
                                           r"anchor: .*Nothing was changed locally") as failed:
        _run("audit_anchor")
    assert failed.value.returncode != 0
    assert AuditEvent.objects.count() == rows
    assert ss.state.secret_by_name(NAME) is None
    with pytest.raises(AuditAnchorUnavailable):
        ss.inject_fault("drop", count=5)
        audit_anchor_publish()


def test_verify_from_secret_server_fails_clearly_without_an_anchor_or_a_secret_server(ss, configured):
    _write(1)
    with pytest.raises(CommandError, match="No audit anchor has been published"):
        _run("verify_audit", "--anchor-from-secret-server")
    audit_anchor_publish()
    ss.inject_fault("drop", count=5)
    with pytest.raises(CommandError, match="Anchor not read from Secret Server: Secret Server could not read"):
        _run("verify_audit", "--anchor-from-secret-server")


def test_not_configured_fails_clearly(ss, db):
    _write(1)
    with pytest.raises(CommandError, match="Secret Server is not configured yet"):
        _run("audit_anchor")


def test_the_anchor_secret_is_not_an_endpoint(ss, configured):
    _write(1)
    audit_anchor_publish()
    endpoint_sync()
    assert not EndpointMirror.objects.filter(name=NAME).exists()


def test_audit_page_shows_the_anchor_cached_and_whether_the_chain_holds_it(ss, configured, client):
    sign_in_as(client, "carol", Role.AUDITOR, ss_user_id=7)
    _write(2)
    page = client.get("/audit/").content.decode()
    assert "No anchor has been published" in page

    cache.clear()
    anchor = audit_anchor_publish()
    ss.clear_requests()
    page = client.get("/audit/").content.decode()
    assert f"seq {anchor.seq}" in page and "the local chain still contains it" in page
    assert not ss.requests  # served from the cache: no Secret Server call per page view

    cache.clear()
    ss.inject_fault("drop", count=5)
    assert "anchor unavailable" in client.get("/audit/").content.decode()

    ss.clear_faults()
    cache.clear()
    _delete_tail(2)
    assert "the local chain no longer contains it" in client.get("/audit/").content.decode()


def test_a_warm_audit_page_does_not_look_the_anchor_up_again(ss, configured, client):
    """The verification box (chain check and anchor lookup) is remembered for a minute: a warm view runs only
    the page's own query."""
    sign_in_as(client, "carol", Role.AUDITOR, ss_user_id=7)
    _write(2)
    cache.clear()
    audit_anchor_publish()
    assert "the local chain still contains it" in client.get("/audit/").content.decode()
    with CaptureQueriesContext(connection) as queries:
        assert "the local chain still contains it" in client.get("/audit/").content.decode()
    audit_queries = [q["sql"] for q in queries.captured_queries if "connector_auditevent" in q["sql"]]
    assert len(audit_queries) == 1 and "LIMIT 51" in audit_queries[0]  # the keyset page only

