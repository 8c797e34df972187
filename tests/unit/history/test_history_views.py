"""The history page, its detail timeline, CSV export, dashboard and the sync on opening."""
import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accessrequests import views
from connector.access import Role
from connector.models import AuditEvent
from tests.helpers import sign_in_as
from tests.history_fixtures import T0

pytestmark = pytest.mark.django_db
HISTORY = "accessrequests:history"


def _names(response):
    return [r.requester_name for r in response.context["page"].rows]


@pytest.fixture
def mixed(make_request):
    return {
        "a": make_request(requester_name="alice", status="Pending", requested_at=T0, comment="deploy fix"),
        "b": make_request(requester_name="bob", status="Approved", reviewer_name="carol",
                          justification="incident 42", requested_at=T0 + timedelta(days=1)),
        "c": make_request(requester_name="carl", status="Denied", reviewer_name="dave",
                          requested_at=T0 + timedelta(days=3), comment="=cmd|' /C calc'!A0"),
    }


@pytest.mark.parametrize("name", [HISTORY, "accessrequests:export", "accessrequests:dashboard"])
def test_anonymous_and_users_without_a_connector_role_are_sent_to_sign_in(client, mixed, name):
    assert client.get(reverse(name))["Location"].startswith("/accounts/")
    from django.contrib.auth import get_user_model

    client.force_login(get_user_model().objects.create(username="plain"))
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/")
    assert not AuditEvent.objects.filter(action="history.export").exists()


@pytest.mark.parametrize("params, expected", [
    ({}, ["carl", "bob", "alice"]),
    ({"status": "Approved"}, ["bob"]),
    ({"requester": "alice"}, ["alice"]),
    ({"reviewer": "dave"}, ["carl"]),
    ({"requested_after": "2025-03-02"}, ["carl", "bob"]),
    ({"requested_before": "2025-03-02"}, ["bob", "alice"]),
    ({"q": "car"}, ["carl", "bob"]),  # requester "carl", reviewer "carol"
    ({"q": "INCIDENT"}, ["bob"]),  # justification, case-insensitive
    ({"q": "deploy"}, ["alice"]),  # comment
    ({"sort": "requested_at"}, ["alice", "bob", "carl"]),
    ({"sort": "requester"}, ["alice", "bob", "carl"]),
    ({"sort": "-requester"}, ["carl", "bob", "alice"]),
    ({"sort": "status"}, ["bob", "carl", "alice"]),
])
def test_filters_search_and_sort(auditor, mixed, params, expected):
    response = auditor.get(reverse(HISTORY), params)
    assert response.status_code == 200
    assert _names(response) == expected


def test_requester_and_reviewer_match_user_names_in_any_case_on_the_page_and_the_api(auditor, make_request):
    """Reviewer "admin" found nothing (only the display name was stored) and requester "Alice" found nothing."""
    from connector.models import SecretServerIdentity
    from django.contrib.auth import get_user_model
    admin = get_user_model().objects.create(username="admin")
    SecretServerIdentity.objects.create(user=admin, ss_user_id=2, display_name="Administrator")
    make_request(requester_name="alice", status="Approved", reviewer_name="Administrator", requested_at=T0)
    make_request(requester_name="bob", status="Denied", reviewer_name="Bobby Admin", requested_at=T0 + timedelta(1))
    for params, expected in [({"requester": "Alice"}, ["alice"]), ({"requester": " ALICE "}, ["alice"]),
                             ({"requester": "ali"}, []), ({"reviewer": "admin"}, ["alice"]),
                             ({"reviewer": "ADMIN"}, ["alice"]), ({"reviewer": "administrator"}, ["alice"]),
                             ({"reviewer": "bobby admin"}, ["bob"])]:
        assert _names(auditor.get(reverse(HISTORY), params)) == expected, params
        api = auditor.get("/api/access-requests/", params).json()
        assert [r["requester_name"] for r in api["results"]] == expected, params


def test_invalid_filter_value_is_reported_and_ignored(auditor, mixed):
    response = auditor.get(reverse(HISTORY), {"status": "Bogus"})
    assert response.status_code == 200 and response.context["form"].errors
    assert len(_names(response)) == 3


def test_list_page_has_a_bounded_number_of_queries_and_no_count(auditor, make_request,
                                                                django_assert_max_num_queries):
    for i in range(120):
        make_request(requested_at=T0 + timedelta(seconds=i))
    auditor.get(reverse(HISTORY))  # warm the session
    with django_assert_max_num_queries(6):
        response = auditor.get(reverse(HISTORY), {"status": "Pending"})
    assert len(response.context["page"].rows) == 50
    with CaptureQueriesContext(connection) as ctx:
        auditor.get(reverse(HISTORY) + response.context["page_next_url"])
    sql = " ".join(q["sql"].upper() for q in ctx.captured_queries)
    assert "COUNT(" not in sql and "OFFSET" not in sql


def test_detail_shows_the_full_timeline(auditor, approved_with_timeline):
    response = auditor.get(reverse("accessrequests:detail", args=[approved_with_timeline.pk]))
    assert [e.status for e in response.context["timeline"]] == ["Pending", "Approved", "Expired"]
    body = response.content.decode()
    assert "Justification: on call" in body and "Filed:" in body and "Window:" in body


def test_detail_of_unknown_request_is_404(auditor):
    assert auditor.get(reverse("accessrequests:detail", args=[999999])).status_code == 404


def _csv(response):
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def test_csv_export_streams_filtered_rows_is_injection_safe_and_audited_once(auditor, mixed):
    before = AuditEvent.objects.count()
    response = auditor.get(reverse("accessrequests:export"), {"sort": "requested_at"})
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert rows[0][:3] == ["ss_request_id", "requester_name", "status"]
    assert [r[1] for r in rows[1:]] == ["alice", "bob", "carl"]
    assert rows[3][4] == "'=cmd|' /C calc'!A0"
    events = AuditEvent.objects.order_by("seq")[before:]
    assert [(e.action, e.actor_name, e.outcome) for e in events] == [("history.export", "audrey", "success")]

    filtered = _csv(auditor.get(reverse("accessrequests:export"), {"status": "Denied"}))
    assert [r[1] for r in filtered[1:]] == ["carl"]
    assert AuditEvent.objects.count() == before + 2
    assert AuditEvent.objects.order_by("-seq").first().after == {"filters": {"status": "Denied"}}


def test_csv_cell_prefixes_every_formula_start():
    from connector.csv_export import csv_cell

    assert [csv_cell(v) for v in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "ok", None, 5]] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "ok", "", "5"]


def test_dashboard_counts_chart_and_active_grants(auditor, make_request):
    now = timezone.now()
    make_request(status="Pending", requested_at=now - timedelta(hours=1))
    make_request(status="Pending", requested_at=now - timedelta(days=2))
    make_request(status="Denied", requested_at=now - timedelta(days=2))
    active = make_request(status="Approved", requested_at=now - timedelta(days=1), requester_name="erin",
                          window_start=now - timedelta(hours=1), window_end=now + timedelta(hours=3))
    make_request(status="Approved", requested_at=now - timedelta(days=1), window_end=now - timedelta(hours=1))
    make_request(status="Expired", requested_at=now - timedelta(days=45))  # outside the 30 days
    response = auditor.get(reverse("accessrequests:dashboard"))
    assert response.status_code == 200
    assert response.context["pending_count"] == 2
    assert response.context["active_grants"] == [active]
    days = response.context["days"]
    assert len(days) == 30 and sum(d.total for d in days) == 5
    two_days_ago = [d for d in days if d.day == timezone.localdate(now - timedelta(days=2))][0]
    assert two_days_ago.counts["Pending"] == 1 and two_days_ago.counts["Denied"] == 1
    body = response.content.decode()
    assert "<svg" in body and "<title id=\"chart-title\">" in body and "<desc" in body
    assert body.count("<rect") - 5 == len(response.context["chart"].bars) == 4  # 5 legend swatches; 4 day/status segments
    assert "<details>" in body and "erin" in body


def test_opening_the_history_syncs_at_most_every_30_seconds(auditor, monkeypatch):
    calls = []
    _fake_services(monkeypatch, lambda **kw: calls.append(1))
    auditor.get(reverse(HISTORY))
    auditor.get(reverse(HISTORY))
    assert calls == [1]


def test_sync_failure_shows_the_last_synchronised_history_with_a_warning(auditor, make_request, monkeypatch):
    make_request()

    def down(**kw):
        from connector.secretserver.errors import Unavailable

        raise Unavailable("down")

    _fake_services(monkeypatch, down)
    for _ in range(2):  # the warning stays while throttled
        response = auditor.get(reverse(HISTORY))
        assert response.status_code == 200
        assert views.SYNC_UNAVAILABLE in response.content.decode()
        assert len(response.context["page"].rows) == 1


def test_no_sync_when_the_connector_is_not_configured(auditor, monkeypatch):
    calls = []
    _fake_services(monkeypatch, lambda **kw: calls.append(1), configured=False)
    auditor.get(reverse(HISTORY))
    assert calls == []


def _fake_services(monkeypatch, sync, configured=True):
    monkeypatch.setattr("accessrequests.views.access_request_sync", sync)
    monkeypatch.setattr("accessrequests.views.connector_is_configured", lambda: configured)


def test_admins_may_browse_too(client, mixed):
    sign_in_as(client, "root", Role.ADMINISTRATOR)
    assert client.get(reverse(HISTORY)).status_code == 200


@pytest.mark.parametrize("largest, ticks", [
    (0, [0, 1]), (1, [0, 1]), (3, [0, 1, 2, 3]), (5, [0, 1, 2, 3, 4, 5]), (6, [0, 2, 4, 6]),
    (9, [0, 2, 4, 6, 8, 10]), (11, [0, 5, 10, 15]), (37, [0, 10, 20, 30, 40]), (240, [0, 50, 100, 150, 200, 250]),
])
def test_the_chart_axis_has_integer_ticks_at_nice_steps(largest, ticks):
    """The axis read 0, 1, 2, 4, 5 (quarters of 5 rounded) and its lines sat between the integers."""
    from datetime import date

    from accessrequests.charts import daily_outcome_chart
    from accessrequests.selectors import OUTCOME_ORDER, DayCounts
    days = [DayCounts(date(2026, 1, 1), {**dict.fromkeys(OUTCOME_ORDER, 0), "Approved": largest})]
    chart = daily_outcome_chart(days, OUTCOME_ORDER)
    assert [t.value for t in chart.ticks] == ticks
    gaps = [a.y - b.y for a, b in zip(chart.ticks, chart.ticks[1:])]
    assert max(gaps) - min(gaps) <= 0.2  # evenly spaced (coordinates are rounded to 0.1)


def test_a_bar_reaches_exactly_the_line_of_its_total():
    """A bar of height 1 stopped below the 1 line; stacked segments must end on their total's line."""
    from datetime import date

    from accessrequests.charts import daily_outcome_chart
    from accessrequests.selectors import OUTCOME_ORDER, DayCounts
    zero = dict.fromkeys(OUTCOME_ORDER, 0)
    days = [DayCounts(date(2026, 1, 1), {**zero, "Approved": 1}),
            DayCounts(date(2026, 1, 2), {**zero, "Pending": 1, "Denied": 2})]
    chart = daily_outcome_chart(days, OUTCOME_ORDER)
    line = {t.value: t.y for t in chart.ticks}
    first, *second = chart.bars
    assert first.y == line[1] and round(first.y + first.height, 1) == chart.plot_bottom
    assert min(b.y for b in second) == line[3]
    assert [(t.value) for t in chart.totals] == [1, 3]


def test_the_chart_fills_its_card(auditor, make_request):
    make_request(status="Approved", requested_at=timezone.now() - timedelta(hours=1))
    body = auditor.get(reverse("accessrequests:dashboard")).content.decode()
    svg = body[body.index("<svg"):body.index(">", body.index("<svg"))]
    assert "viewBox=" in svg and " width=" not in svg and " height=" not in svg
