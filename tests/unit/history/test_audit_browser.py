"""The audit trail browser: filters, keyset pages, detail diff, CSV export and the chain verification box."""
import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from connector.models import AuditEvent
from connector.models.audit import audit_diff
from connector.services.audit import audit_maintenance, audit_record

pytestmark = pytest.mark.django_db
AUDIT = "connector:audit"


@pytest.fixture
def trail():
    rows = []
    for i in range(7):
        rows.append(audit_record(action="endpoint.create" if i % 2 else "settings.update",
                                 outcome="success" if i % 3 else "failure", actor_name="alice" if i < 4 else "bob",
                                 target_type="endpoint", target_id=str(i % 2),
                                 before={"name": "old", "n": i} if i else None, after={"name": "new", "n": i}))
    return rows


def _seqs(response):
    return [e.seq for e in response.context["page"].rows]


@pytest.mark.parametrize("params, expected", [
    ({}, [7, 6, 5, 4, 3, 2, 1]),
    ({"actor": "bob"}, [7, 6, 5]),
    ({"action": "endpoint.create"}, [6, 4, 2]),
    ({"outcome": "failure"}, [7, 4, 1]),
    ({"target_type": "endpoint", "target_id": "1"}, [6, 4, 2]),
    ({"actor": "alice", "outcome": "success"}, [3, 2]),
    ({"time_after": "2000-01-01", "time_before": "2999-01-01"}, [7, 6, 5, 4, 3, 2, 1]),
    ({"time_before": "2000-01-01"}, []),
    ({"sort": "time"}, [1, 2, 3, 4, 5, 6, 7]),
])
def test_filters_and_sort(auditor, trail, params, expected):
    response = auditor.get(reverse(AUDIT), params)
    assert response.status_code == 200
    assert _seqs(response) == expected


def test_pages_walk_every_row_once_without_count_or_offset(auditor, trail, monkeypatch):
    from connector.selectors import audit as selectors

    monkeypatch.setattr(selectors.AUDIT_KEYSET, "per_page", 3)
    url, seen = reverse(AUDIT), []
    response = auditor.get(url)
    with CaptureQueriesContext(connection) as ctx:
        while True:
            seen += _seqs(response)
            if not response.context["page_next_url"]:
                break
            response = auditor.get(url + response.context["page_next_url"])
    assert seen == [7, 6, 5, 4, 3, 2, 1]
    sql = " ".join(q["sql"].upper() for q in ctx.captured_queries)
    assert "COUNT(" not in sql and "OFFSET" not in sql


def test_list_query_count_is_bounded(auditor, trail, django_assert_max_num_queries):
    auditor.get(reverse(AUDIT))  # verification cached now
    with django_assert_max_num_queries(6):
        assert auditor.get(reverse(AUDIT), {"actor": "alice"}).status_code == 200


def test_verification_box_says_ok_for_an_intact_chain(auditor, trail):
    response = auditor.get(reverse(AUDIT))
    assert response.context["verification"].ok
    body = response.content.decode()
    assert "Chain verification" in body and "manage.py" not in body  # operator tips are for administrators


def test_verification_box_reports_a_tampered_row(auditor, trail):
    with audit_maintenance(), connection.cursor() as cursor:
        cursor.execute("UPDATE connector_auditevent SET actor_name = 'mallory' WHERE seq = 6")
    response = auditor.get(reverse(AUDIT))
    status = response.context["verification"]
    assert not status.ok and status.first_bad_seq == 6
    assert "The chain is broken at seq 6" in response.content.decode()


def test_detail_shows_before_after_and_a_diff(auditor, trail):
    response = auditor.get(reverse("connector:audit-detail", args=[3]))
    assert response.status_code == 200
    diff = {line.path: line.change for line in response.context["diff"]}
    assert diff == {"name": "changed", "n": "same"}
    body = response.content.decode()
    assert "&quot;old&quot;" in body and "&quot;new&quot;" in body


def test_diff_marks_added_removed_and_nested_paths():
    lines = audit_diff({"a": 1, "cfg": {"x": 1, "y": 2}}, {"cfg": {"x": 1, "y": 3}, "b": 2})
    assert [(x.path, x.change) for x in lines] == [("a", "removed"), ("b", "added"), ("cfg.x", "same"),
                                                    ("cfg.y", "changed")]
    assert audit_diff(None, None) == []


def test_csv_export_is_filtered_streamed_safe_and_audited_once(auditor, trail):
    audit_record(action="test.event", outcome="success", actor_name="=HYPERLINK(1)")
    response = auditor.get(reverse("connector:audit-export"), {"actor": "=HYPERLINK(1)"})
    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["seq", "time", "actor_name"]
    assert len(rows) == 2 and rows[1][2] == "'=HYPERLINK(1)"
    exports = AuditEvent.objects.filter(action="audit.export")
    assert exports.count() == 1 and exports.get().actor_name == "audrey"


def test_anonymous_is_sent_to_sign_in(client, trail):
    assert client.get(reverse(AUDIT)).status_code == 302
    assert client.get(reverse("connector:audit-export")).status_code == 302
    assert not AuditEvent.objects.filter(action="audit.export").exists()


def test_settings_rows_recorded_with_both_states_nested_in_after_still_diff_as_changes():
    from connector.models import AuditEvent
    legacy = AuditEvent(action="settings.update", outcome="success", before=None,
                        after={"before": {"error_threshold": 5}, "after": {"error_threshold": 7}, "revision": 3})
    assert [(d.path, d.change, d.before, d.after) for d in legacy.diff()] == [
        ("error_threshold", "changed", 5, 7), ("revision", "added", None, 3)]
    assert legacy.change_summary() == "error_threshold 5 → 7"
