"""Read-only REST API for the history and the audit trail: filters, cursor pages, permissions, schema."""
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accessrequests.models import AccessRequestEvent
from connector.access import Role
from connector.services.audit import audit_record
from tests.helpers import sign_in_as
from tests.history_fixtures import T0

pytestmark = pytest.mark.django_db
AR_LIST = "accessrequests-api:accessrequest-list"
AUDIT_LIST = "connector-api:auditevent-list"


@pytest.fixture
def requests_(make_request):
    return [make_request(requested_at=T0 + timedelta(minutes=i // 3), requester_name=f"u{i % 2}",
                         status="Approved" if i % 2 else "Pending") for i in range(12)]


def _walk(client, url, params):
    seen, response = [], client.get(url, params)
    while True:
        assert response.status_code == 200, response.content
        seen += response.json()["results"]
        if not response.json()["next"]:
            return seen
        response = client.get(response.json()["next"])


def test_access_request_list_pages_without_duplicates(auditor, requests_):
    seen = _walk(auditor, reverse(AR_LIST), {"page_size": 5})
    assert len(seen) == 12 and len({r["id"] for r in seen}) == 12
    assert [r["requested_at"] for r in seen] == sorted((r["requested_at"] for r in seen), reverse=True)


def test_access_request_list_uses_the_shared_filters(auditor, requests_):
    seen = _walk(auditor, reverse(AR_LIST), {"status": "Approved", "requester": "u1"})
    assert len(seen) == 6 and {(r["status"], r["requester_name"]) for r in seen} == {("Approved", "u1")}
    assert auditor.get(reverse(AR_LIST), {"status": "Nope"}).status_code == 400


def test_access_request_detail_includes_the_timeline(auditor, approved_with_timeline):
    response = auditor.get(reverse("accessrequests-api:accessrequest-detail", args=[approved_with_timeline.pk]))
    assert response.status_code == 200
    assert [e["status"] for e in response.json()["events"]] == ["Pending", "Approved", "Expired"]
    assert AccessRequestEvent.objects.count() == 3


@pytest.mark.parametrize("cursor", ["bz14", "YQ"])  # "o=x" (offset not a number); bad base64 padding
def test_tampered_cursor_is_a_400(auditor, requests_, cursor):
    response = auditor.get(reverse(AR_LIST), {"cursor": cursor})
    assert response.status_code == 400 and "cursor" in response.json()


def test_list_makes_no_count_query(auditor, requests_):
    with CaptureQueriesContext(connection) as ctx:
        assert auditor.get(reverse(AR_LIST)).status_code == 200
    assert not any("COUNT(" in q["sql"].upper() for q in ctx.captured_queries)


def test_audit_events_list_filters_and_detail(auditor):
    for i in range(5):
        audit_record(action="endpoint.create", outcome="success" if i % 2 else "failure", actor_name=f"a{i % 2}",
                     after={"password": "hunter2", "i": i})
    seen = _walk(auditor, reverse(AUDIT_LIST), {"page_size": 2})
    assert [r["seq"] for r in seen] == [5, 4, 3, 2, 1]
    failures = auditor.get(reverse(AUDIT_LIST), {"outcome": "failure"}).json()["results"]
    assert [r["seq"] for r in failures] == [5, 3, 1]
    detail = auditor.get(reverse("connector-api:auditevent-detail", args=[2])).json()
    assert detail["after"] == {"password": "[redacted]", "i": 1} and detail["actor_name"] == "a1"


@pytest.mark.parametrize("url", [reverse(AR_LIST), reverse(AUDIT_LIST)])
def test_anonymous_and_plain_users_get_403(client, url):
    assert client.get(url).status_code in (401, 403)  # 401 when an authentication scheme is advertised
    client.force_login(get_user_model().objects.create(username="plain"))
    assert client.get(url).status_code == 403


@pytest.mark.parametrize("url", [reverse(AR_LIST), reverse(AUDIT_LIST)])
def test_auditors_cannot_write(auditor, url):
    assert auditor.post(url, {}, content_type="application/json").status_code in (403, 405)
    assert auditor.put(url, {}, content_type="application/json").status_code in (403, 405)


def test_admins_cannot_write_either_the_api_is_read_only(client, requests_):
    sign_in_as(client, "root", Role.ADMINISTRATOR)
    url = reverse("accessrequests-api:accessrequest-detail", args=[requests_[0].pk])
    assert client.delete(url).status_code == 405
    assert client.post(reverse(AR_LIST), {}, content_type="application/json").status_code == 405


def test_schema_lists_both_apis_with_their_filters(client):
    response = client.get(reverse("api-schema"), {"format": "json"})
    paths = response.json()["paths"]
    assert "/api/access-requests/" in paths and "/api/connector/audit-events/{seq}/" in paths
    params = {p["name"] for p in paths["/api/access-requests/"]["get"]["parameters"]}
    assert {"q", "status", "requester", "reviewer", "requested_after", "requested_before", "cursor"} <= params
    audit_params = {p["name"] for p in paths["/api/connector/audit-events/"]["get"]["parameters"]}
    assert {"actor", "action", "outcome", "target_type", "target_id", "time_after", "cursor"} <= audit_params


def test_admin_views_are_read_only(admin_client, approved_with_timeline):
    response = admin_client.get("/admin/accessrequests/accessrequest/")
    assert response.status_code == 200 and b"alice" in response.content
    assert admin_client.get("/admin/accessrequests/accessrequest/add/").status_code == 403
    assert admin_client.get("/admin/accessrequests/accessrequestevent/").status_code == 200
