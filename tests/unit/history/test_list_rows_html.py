"""The history and audit table bodies are built in Python (accessrequests/views.py, connector/views/audit.py):
they must be exactly what a Django template loop over the rows writes, hostile text included, in any zone."""
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import timezone

from accessrequests.selectors import access_request_filterset, access_request_page
from accessrequests.views import _rows_html as history_rows_html

pytestmark = pytest.mark.django_db

HOSTILE = ['<script>alert("x")</script>', "O'Brien & <co>", "plain", "a" * 81 + "<", "é – “quotes”"]

HISTORY_LOOP = engines["django"].from_string(
    '{% for ar in rows %}<tr><th scope="row" class="nowrap"><a href="{% url \'accessrequests:detail\' '
    'ar.id %}"><time datetime="{{ ar.iso }}">{{ ar.requested_at|date:"Y-m-d H:i" }}</time></a></th>'
    '<td>{{ ar.requester_name }}</td>'
    '<td><span class="badge badge--{{ ar.status|lower }}">{{ ar.status }}</span></td>'
    '<td>{{ ar.comment|truncatechars:80 }}</td><td>{{ ar.reviewer_name|default:"—" }}</td>'
    '<td class="nowrap">{% if ar.window_start %}{{ ar.window_start|date:"Y-m-d H:i" }} – '
    '{{ ar.window_end|date:"Y-m-d H:i" }}{% else %}—{% endif %}</td></tr>\n{% endfor %}')


@pytest.mark.parametrize("zone", ["UTC", "America/St_Johns", "Asia/Kathmandu"])
def test_history_rows_are_what_the_template_loop_wrote(make_request, zone):
    start = datetime(2025, 3, 1, 23, 59, 59, 999999, tzinfo=UTC)
    for i, text in enumerate(HOSTILE):
        make_request(requester_name=text, comment=text * (1 + i % 2), reviewer_name=text if i % 2 else "",
                     status=["Approved", "Denied", "Pending", "Expired", "<b>odd</b>"][i],
                     requested_at=start - timedelta(days=400 * i), window_start=start if i % 2 else None,
                     window_end=start + timedelta(hours=2) if i % 2 else None)
    with timezone.override(ZoneInfo(zone)):
        page = access_request_page(filterset=access_request_filterset(None), sort=None, cursor=None)
        rows = [dict(r._asdict(), iso=r.requested_at.isoformat(timespec="seconds")) for r in page.rows]
        expected = HISTORY_LOOP.render({"rows": rows})
        assert history_rows_html(page.rows, timezone.get_current_timezone()) == expected
    assert "&lt;script&gt;" in expected and "O&#x27;Brien &amp; &lt;co&gt;" in expected
    assert reverse("accessrequests:detail", args=[page.rows[0].id]) in expected


AUDIT_LOOP = engines["django"].from_string(
    '{% for e in rows %}<tr><th scope="row" class="num"><a href="{% url \'connector:audit-detail\' '
    'e.seq %}">{{ e.seq }}</a></th><td class="nowrap"><time datetime="{{ e.iso }}">'
    '{{ e.time|date:"Y-m-d H:i:s" }}</time></td><td>{{ e.actor_name|default:"—" }}</td>'
    '<td><code>{{ e.action }}</code></td>'
    '<td><span class="badge badge--{{ e.outcome }}">{{ e.outcome|capfirst }}</span></td>'
    '<td>{{ e.target|default:"—" }}</td><td>{{ e.source_ip|default:"—" }}</td></tr>\n{% endfor %}')


@pytest.mark.parametrize("zone", ["UTC", "America/St_Johns"])
def test_audit_rows_are_what_the_template_loop_wrote(zone):
    from connector.selectors.audit import audit_event_filterset, audit_event_page
    from connector.services.audit import audit_record
    from connector.views.audit import _rows_html as audit_rows_html

    for i, text in enumerate(HOSTILE):
        audit_record(action=f"test.case{i}", outcome=["success", "failure", "denied", "error", "intent"][i],
                     actor_name=text if i % 2 else "", target_type=text if i % 3 else "",
                     target_id=str(i) if i % 2 else "", target_repr=text if i != 2 else "", message=text)
    with timezone.override(ZoneInfo(zone)):
        page = audit_event_page(filterset=audit_event_filterset(None), sort=None, cursor=None)
        rows = []
        for e in page.rows:
            target = " ".join(x for x in (e.target_type, e.target_id) if x)
            if e.target_repr:
                target = f"{target} · {e.target_repr}" if target else e.target_repr
            rows.append(dict(e._asdict(), iso=e.time.isoformat(timespec="seconds"), target=target))
        expected = AUDIT_LOOP.render({"rows": rows})
        assert audit_rows_html(page.rows, timezone.get_current_timezone()) == expected
    assert "O&#x27;Brien &amp; &lt;co&gt;" in expected and len(page.rows) == len(HOSTILE)
