"""Revocation (issue 9): privileged writes ask Secret Server first; reads keep the 60-second re-check."""
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from connector.access import SESSION_KEY, Role
from connector.messages import MSG_REMOVED
from connector.models import AuditEvent
from tests.helpers import sign_in_as

pytestmark = pytest.mark.django_db
CONFIG = "/settings/configuration/"
API = "/api/connector/settings/"


@pytest.fixture
def admin_checked_30s_ago(client, ss, configured):
    """The setting-up administrator (an Owner of the SCIMSecret), whose last access check was 30 s ago."""
    sign_in_as(client, "admin", Role.ADMINISTRATOR, ss_user_id=2)
    session = client.session
    session[SESSION_KEY] = {**session[SESSION_KEY],
                            "checked_at": (datetime.now(UTC) - timedelta(seconds=30)).isoformat()}
    session.save()
    return client


def _unshare(ss, secret_id):
    admin = ss.state.user_by_name("admin")
    with ss.state.lock:
        for key, row in list(ss.state.secretPermissions.items()):
            if row["secretId"] == secret_id and (row.get("userId") == admin["id"]
                                                 or row.get("groupId") == admin["personalGroupId"]):
                del ss.state.secretPermissions[key]


def _revision(ss, configured):
    import json
    return json.loads(ss.state.secret_items(configured.secret_id)["notes"])["revision"]


def _form(client):
    page = client.get(CONFIG)
    assert page.status_code == 200
    form = page.context["form"]
    data = {name: form[name].value() for name in form.fields}
    return {k: v for k, v in data.items() if v is not False and v is not None}


def test_a_revoked_administrator_still_reads_but_cannot_write(admin_checked_30s_ago, ss, configured):
    client = admin_checked_30s_ago
    data = _form(client)
    _unshare(ss, configured.secret_id)
    assert client.get(CONFIG).status_code == 200  # reads: the check of 30 s ago still holds (≤ 60 s)
    data["ui_session_minutes"] = 45
    response = client.post(CONFIG, data)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert _revision(ss, configured) == 1  # nothing written
    assert not AuditEvent.objects.filter(action="settings.update").exists()
    refused = AuditEvent.objects.get(action="access.write_refused")
    assert refused.outcome == "failure" and MSG_REMOVED in refused.message
    assert client.get(CONFIG).status_code == 302  # signed out


def test_a_revoked_administrator_gets_403_from_the_api_write(admin_checked_30s_ago, ss, configured):
    client = admin_checked_30s_ago
    assert client.get(API).status_code == 200
    _unshare(ss, configured.secret_id)
    response = client.patch(API, {"ui_session_minutes": 45, "revision": 1}, content_type="application/json")
    assert response.status_code == 403 and response.json() == {"detail": MSG_REMOVED}
    assert _revision(ss, configured) == 1


def test_a_revoked_administrator_cannot_regenerate_a_token(admin_checked_30s_ago, ss, configured):
    client = admin_checked_30s_ago
    created = client.post("/api/connector/endpoints/", {"name": "Azure", "url": "https://a.example.test/scim",
                                                        "username": "svc", "password": "Pw-1"},
                          content_type="application/json").json()
    _unshare(ss, configured.secret_id)
    session = client.session  # the create above refreshed the check; age it again
    session[SESSION_KEY] = {**session[SESSION_KEY],
                            "checked_at": (datetime.now(UTC) - timedelta(seconds=30)).isoformat()}
    session.save()
    response = client.post(reverse("connector:endpoint-token", args=[created["id"]]),
                           {"revision": created["revision"]})
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    import json
    assert json.loads(ss.state.secret_items(created["id"])["notes"])["tokenId"] == created["token"][5:13]


def test_a_write_costs_exactly_one_access_recheck(admin_checked_30s_ago, ss, configured):
    client = admin_checked_30s_ago
    data = _form(client)
    data["ui_session_minutes"] = 45
    ss.clear_requests()
    response = client.post(CONFIG, data)
    assert response.status_code == 302 and response.url == CONFIG
    assert _revision(ss, configured) == 2
    shares_reads = [r for r in ss.requests if r.path.lower().startswith("/api/v1/secret-permissions")]
    assert len(shares_reads) == 1  # the re-check's read of this secret's shares, once per write
