"""Tampering by someone with full database rights (triggers lifted) is detected, at the first bad seq."""
import hashlib
import hmac
import json

import pytest
from django.core.management import CommandError, call_command

from connector.services.audit import (
    AuditAnchor,
    audit_anchor,
    audit_chain_verify,
    audit_row_content,
    canonical_json,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def ten(write_events):
    return write_events(10)


def _verify_command(*args):
    from io import StringIO

    out = StringIO()
    call_command("verify_audit", *args, stdout=out)
    return out.getvalue()


def test_verify_audit_reports_ok_with_count_and_head_hash(ten):
    output = _verify_command()
    assert "OK: 10 rows verified" in output and ten[-1].row_hash in output
    assert f"anchor: 10:{ten[-1].row_hash}" in output


def test_editing_a_middle_row_is_caught_at_that_seq(ten, as_attacker):
    as_attacker("UPDATE connector_auditevent SET actor_name = 'mallory' WHERE seq = 5")

    status = audit_chain_verify()
    assert (status.ok, status.first_bad_seq, status.count) == (False, 5, 4)
    assert status.reason.startswith("hash mismatch")
    with pytest.raises(CommandError, match=r"BAD at seq 5: hash mismatch") as raised:
        _verify_command()
    assert raised.value.returncode != 0


def test_editing_json_content_is_caught(ten, as_attacker):
    as_attacker("UPDATE connector_auditevent SET after = %s WHERE seq = 7", [json.dumps({"i": 70})])
    status = audit_chain_verify()
    assert (status.ok, status.first_bad_seq) == (False, 7)


def test_deleting_a_middle_row_is_caught_as_a_gap(ten, as_attacker):
    as_attacker("DELETE FROM connector_auditevent WHERE seq = 5")

    status = audit_chain_verify()
    assert (status.ok, status.first_bad_seq) == (False, 5)
    assert status.reason.startswith("gap in seq")


def test_renumbering_after_a_deletion_is_caught_as_a_broken_link(ten, as_attacker):
    as_attacker("DELETE FROM connector_auditevent WHERE seq = 5")
    for seq in range(6, 11):
        as_attacker("UPDATE connector_auditevent SET seq = %s WHERE seq = %s", [seq - 1, seq])

    status = audit_chain_verify()
    assert (status.ok, status.first_bad_seq) == (False, 5)
    assert status.reason.startswith("broken link")


def test_rehashing_without_the_key_is_caught(ten, as_attacker):
    """An attacker rewrites row 5 and recomputes its hash (plain SHA-256, then a guessed key)."""
    row = ten[4]
    content = audit_row_content({**{f: getattr(row, f) for f in ("seq", "time", "actor_name", "source_ip",
                                    "request_id", "action", "target_type", "target_id", "target_repr", "before",
                                    "after", "outcome", "message")}, "actor_name": "mallory"})
    for forged in (hashlib.sha256(row.prev_hash.encode() + canonical_json(content)).hexdigest(),
                   hmac.new(b"guess", row.prev_hash.encode() + canonical_json(content), "sha256").hexdigest()):
        as_attacker("UPDATE connector_auditevent SET actor_name = 'mallory', row_hash = %s WHERE seq = 5", [forged])
        status = audit_chain_verify()
        assert (status.ok, status.first_bad_seq) == (False, 5)


def test_deleting_the_tail_is_caught_only_against_an_anchor(ten, as_attacker):
    anchor = audit_anchor()
    assert anchor == AuditAnchor(10, ten[-1].row_hash)

    as_attacker("DELETE FROM connector_auditevent WHERE seq > 8")

    assert audit_chain_verify().ok  # on its own, a shortened chain is still a valid chain
    status = audit_chain_verify(anchor=anchor)
    assert (status.ok, status.first_bad_seq) == (False, 9)
    assert status.reason.startswith("tail deleted")
    with pytest.raises(CommandError, match=r"BAD at seq 9: tail deleted"):
        _verify_command("--anchor", str(anchor))


def test_a_replaced_tail_is_caught_against_the_anchor(ten, as_attacker, write_events):
    anchor = audit_anchor()
    as_attacker("DELETE FROM connector_auditevent WHERE seq > 8")
    write_events(3)  # the chain grows past the anchor again, through the real writer

    status = audit_chain_verify(anchor=anchor)
    assert (status.ok, status.first_bad_seq) == (False, 10)
    assert status.reason.startswith("anchor mismatch")


def test_an_older_anchor_still_verifies_as_the_chain_grows(ten, write_events):
    anchor = audit_anchor()
    write_events(5)
    assert audit_chain_verify(anchor=anchor).ok
    assert "OK: 15 rows verified" in _verify_command("--anchor", str(anchor))


def test_verifying_the_last_rows_is_incremental(ten, as_attacker):
    as_attacker("UPDATE connector_auditevent SET message = 'x' WHERE seq = 2")

    recent = audit_chain_verify(last=3)
    assert recent.ok and (recent.count, recent.first_seq, recent.head_seq) == (3, 8, 10)
    assert "OK: 3 rows verified (seq 8..10)" in _verify_command("--last", "3")

    as_attacker("UPDATE connector_auditevent SET message = 'x' WHERE seq = 9")
    assert audit_chain_verify(last=3).first_bad_seq == 9
    assert audit_chain_verify().first_bad_seq == 2


def test_verifying_the_last_rows_checks_the_link_to_the_row_before(ten, as_attacker):
    as_attacker("DELETE FROM connector_auditevent WHERE seq = 7")
    status = audit_chain_verify(last=3)
    assert (status.ok, status.first_bad_seq) == (False, 7)


def test_a_bad_anchor_argument_is_a_command_error():
    with pytest.raises(CommandError, match="anchor"):
        _verify_command("--anchor", "12:nothex")


# --- hash version 2: every stored column, actor_id included ------------------------------------------------

def test_changing_the_actor_id_is_caught(write_events, as_attacker, django_user_model):
    alice = django_user_model.objects.create_user("alice-2")
    mallory = django_user_model.objects.create_user("mallory")
    write_events(3, actor=alice, actor_name=None)
    as_attacker("UPDATE connector_auditevent SET actor_id = %s WHERE seq = 2", [mallory.pk])
    status = audit_chain_verify()
    assert (status.ok, status.first_bad_seq) == (False, 2)
    assert status.reason.startswith("hash mismatch")


def test_relabelling_a_version_2_row_as_version_1_is_caught(ten, as_attacker):
    as_attacker("UPDATE connector_auditevent SET hash_version = 1 WHERE seq = 4")
    status = audit_chain_verify()
    assert (status.ok, status.first_bad_seq) == (False, 4)


def test_an_unknown_hash_version_is_a_bad_row_not_a_crash(ten, as_attacker):
    as_attacker("UPDATE connector_auditevent SET hash_version = 9 WHERE seq = 6")
    status = audit_chain_verify()
    assert (status.ok, status.first_bad_seq) == (False, 6)


def test_rows_written_before_version_2_keep_verifying_and_the_chain_continues(write_events):
    """Rows as the connector wrote them before migration 0008 (hash over all but actor_id), then new rows."""
    from datetime import UTC, datetime

    from connector.models import AuditEvent
    from connector.services.audit import GENESIS_HASH, _row_hash

    prev = GENESIS_HASH
    for seq in (1, 2, 3):
        row = {"seq": seq, "time": datetime(2026, 1, 1, 12, seq, tzinfo=UTC), "actor_name": "old",
               "source_ip": None, "request_id": "run-x", "action": "test.old", "target_type": "",
               "target_id": str(seq), "target_repr": "", "before": None, "after": {"i": seq},
               "outcome": "success", "message": ""}
        row_hash = _row_hash(prev, row)  # no hash_version: version 1, as before
        AuditEvent.objects.create(**row, prev_hash=prev, row_hash=row_hash, hash_version=1)
        prev = row_hash
    new = write_events(2)
    assert [e.hash_version for e in new] == [2, 2]
    status = audit_chain_verify()
    assert status.ok and status.count == 5
