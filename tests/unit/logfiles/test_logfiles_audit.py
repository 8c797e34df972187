"""The audit service's hook: one line per committed row, never for a rolled-back one, secrets redacted,
and a file failure never touches the audit write."""
import hashlib
import hmac
import json
import logging
from datetime import datetime

import pytest
from django.db import transaction

from connector import logfiles
from connector.models import AuditEvent
from connector.services import audit as audit_service
from connector.services.audit import audit_record, audited

from tests.logfiles_helpers import read_lines

CANARY = "Canary-Logfile-Passw0rd-5e1d"
CANARY_TOKEN = "scim_c4n4ryL0gF1leT0ken987654"
EXPECTED_KEYS = {"time", "seq", "actor_name", "source_ip", "request_id", "action", "target_type", "target_id",
                 "target_repr", "outcome", "message", "before", "after", "prev_hash", "row_hash"}


def _only_file(directory):
    files = list(directory.iterdir())
    assert len(files) == 1, files
    return files[0]


@pytest.mark.django_db
def test_every_committed_row_becomes_one_json_line_without_secrets(log_dir, log_frequency,
                                                                    django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with audited(action="endpoint.update", actor_name="alice", target_type="endpoint", target_id=7,
                     target_repr="HR app", before={"name": "HR", "password": CANARY},
                     message=f"changing password={CANARY}") as audit:
            audit.after = {
                "name": "HR app",
                "token": CANARY_TOKEN,
                "items": [{"slug": "password", "itemValue": CANARY}],
                "note": f"Bearer {CANARY_TOKEN}",
            }
    assert len(callbacks) == 2  # intent + success

    path = _only_file(log_dir)
    text = path.read_text()
    assert CANARY not in text and CANARY_TOKEN not in text
    lines = read_lines(path)
    rows = list(AuditEvent.objects.order_by("seq"))
    assert [line["seq"] for line in lines] == [row.seq for row in rows] == [1, 2]
    for line, row in zip(lines, rows, strict=True):
        assert set(line) == EXPECTED_KEYS
        assert line["time"].endswith("Z") and datetime.fromisoformat(line["time"]) == row.time
        assert (line["action"], line["outcome"], line["actor_name"], line["target_id"], line["row_hash"]) == (
            row.action, row.outcome, row.actor_name, row.target_id, row.row_hash)
        assert (line["before"], line["after"], line["message"]) == (row.before, row.after, row.message)
    assert lines[0]["before"] == {"name": "HR", "password": "[redacted]"}
    assert lines[1]["after"]["token"] == "[redacted]"
    assert lines[1]["after"]["items"] == [{"slug": "password", "itemValue": "[redacted]"}]


@pytest.mark.django_db
def test_a_line_verifies_against_the_chain_on_its_own(log_dir, log_frequency, django_capture_on_commit_callbacks):
    """The file is an independent copy: with the HMAC key, each line re-hashes to its row_hash."""
    with django_capture_on_commit_callbacks(execute=True):
        audit_record(action="settings.update", outcome="success", actor_name="bob", after={"x": "ü ☃"})
        audit_record(action="settings.update", outcome="failure", actor_name="bob", message="line\nbreak")
    lines = read_lines(_only_file(log_dir))
    previous = audit_service.GENESIS_HASH
    for line in lines:
        assert line["prev_hash"] == previous
        content = audit_service.audit_row_content({**line, "time": datetime.fromisoformat(line["time"])})
        mac = hmac.new(audit_service._hmac_key(), line["prev_hash"].encode("ascii"), hashlib.sha256)
        mac.update(audit_service.canonical_json(content))
        assert mac.hexdigest() == line["row_hash"]
        previous = line["row_hash"]


@pytest.mark.django_db
def test_a_row_rolled_back_with_its_transaction_is_never_written(log_dir, log_frequency,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with transaction.atomic():
            audit_record(action="endpoint.create", outcome="success", actor_name="kept")
            try:
                with transaction.atomic():
                    audit_record(action="endpoint.create", outcome="success", actor_name="rolled-back")
                    raise RuntimeError("the mirror write failed")
            except RuntimeError:
                pass
    assert len(callbacks) == 1
    assert [line["actor_name"] for line in read_lines(_only_file(log_dir))] == ["kept"]
    assert list(AuditEvent.objects.values_list("actor_name", flat=True)) == ["kept"]


@pytest.mark.django_db(transaction=True)
def test_with_real_commits_only_committed_rows_reach_the_file(log_dir, log_frequency):
    """No test transaction around it: autocommit writes at once, a rolled-back outer transaction never."""
    audit_record(action="endpoint.create", outcome="intent", actor_name="first")
    assert [line["actor_name"] for line in read_lines(_only_file(log_dir))] == ["first"]

    with pytest.raises(RuntimeError), transaction.atomic():
        audit_record(action="endpoint.create", outcome="success", actor_name="rolled-back")
        raise RuntimeError("boom")
    with transaction.atomic():
        audit_record(action="endpoint.create", outcome="success", actor_name="second")
        assert len(read_lines(_only_file(log_dir))) == 1  # not before the commit

    lines = read_lines(_only_file(log_dir))
    assert [line["actor_name"] for line in lines] == ["first", "second"]
    assert [line["seq"] for line in lines] == list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))


@pytest.mark.django_db(transaction=True)
def test_an_unwritable_log_dir_warns_and_counts_but_the_row_is_kept(settings, tmp_path, log_frequency, caplog):
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the log directory should be")  # refused even for root
    settings.CONNECTOR_LOG_DIR = str(blocker / "log")
    failures = logfiles.event_log_failures()

    with caplog.at_level(logging.WARNING, logger="connector.logfiles"):
        event = audit_record(action="endpoint.delete", outcome="success", actor_name="alice",
                             before={"password": CANARY})

    assert AuditEvent.objects.filter(seq=event.seq, row_hash=event.row_hash).exists()
    assert logfiles.event_log_failures() == failures + 1
    warnings = [r for r in caplog.records if r.name == "connector.logfiles" and r.levelno == logging.WARNING]
    assert len(warnings) == 1 and f"seq {event.seq}" in warnings[0].getMessage()
    assert CANARY not in warnings[0].getMessage()
    assert blocker.read_text() == "a file where the log directory should be"


@pytest.mark.django_db(transaction=True)
def test_audited_actions_still_run_when_the_file_cannot_be_written(settings, tmp_path, log_frequency, monkeypatch):
    settings.CONNECTOR_LOG_DIR = str(tmp_path / "log")

    def broken(path, line):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(logfiles, "_append", broken)
    ran = []
    with audited(action="endpoint.create", actor_name="alice") as audit:
        ran.append("vault call")
        audit.after = {"name": "HR app"}
    assert ran == ["vault call"]
    assert list(AuditEvent.objects.order_by("seq").values_list("outcome", flat=True)) == ["intent", "success"]


@pytest.mark.django_db(transaction=True)
def test_a_failing_settings_read_falls_back_to_hourly(log_dir, monkeypatch):
    from connector.selectors import settings as settings_selectors

    def broken():
        raise RuntimeError("unexpected")

    monkeypatch.setattr(settings_selectors, "settings_local", broken)
    event = audit_record(action="endpoint.create", outcome="success", actor_name="alice")
    assert _only_file(log_dir).name == f"scim-connector-{event.time:%Y-%m-%dT%H}.jsonl"


@pytest.mark.django_db
def test_with_file_logging_off_nothing_is_scheduled(settings, django_capture_on_commit_callbacks):
    settings.CONNECTOR_LOG_DIR = ""
    with django_capture_on_commit_callbacks() as callbacks:
        audit_record(action="endpoint.create", outcome="success", actor_name="alice")
    assert callbacks == []


def test_lines_are_single_line_ascii_json(log_dir, log_frequency):
    from tests.logfiles_helpers import make_event

    line = logfiles.event_log_line(make_event(message="two\nlines\u2028and a separator", target_repr="Zoë"))
    assert line.endswith(b"\n") and line.count(b"\n") == 1
    assert json.loads(line)["message"] == "two\nlines\u2028and a separator"
    assert json.loads(line)["target_repr"] == "Zoë"
