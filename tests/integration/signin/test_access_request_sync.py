"""access_request_sync and the command; bearer tokens on the API; one audit row per event."""
import threading

import pytest
import requests
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accessrequests.models import AccessRequest, AccessRequestEvent
from accessrequests.services import access_request_apply, access_request_sync
from connector.models import AuditEvent
from connector.secretserver import SecretServerClient
from tests.conftest import DEMO_PASSWORDS

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def _decide(ss, rid, decision, **body):
    r = requests.post(f"{ss.url}/_emulator/access-requests/{rid}/{decision}",
                      json={"approver": "admin", **body}, timeout=5)
    assert r.status_code == 200, r.text


def test_sync_records_each_change_once(ss, connector, browser):
    sign_in(browser, "alice")
    sign_in(browser.__class__(REMOTE_ADDR="10.0.0.6"), "bob")
    rid = next(r["id"] for r in ss.state.access_requests_list() if r["requestComment"].endswith("10.0.0.5"))
    _decide(ss, rid, "approve", hours=1, comment="ok for today")
    first = access_request_sync()
    assert first.seen == 2 and first.changes == 1
    assert access_request_sync().changes == 0
    row = AccessRequest.objects.get(ss_request_id=rid)
    assert row.status == "Approved" and row.reviewer_name and row.justification == "ok for today"
    assert AuditEvent.objects.filter(action="access_request.approved").count() == 1
    ss.advance_clock(3700)
    assert access_request_sync().changes == 1
    assert AccessRequest.objects.get(ss_request_id=rid).status == "Expired"
    assert list(AccessRequestEvent.objects.filter(request__ss_request_id=rid).values_list("status", flat=True)) == [
        "Pending", "Approved", "Expired"]
    assert AuditEvent.objects.filter(action="access_request.expired").count() == 1


def test_sync_command(ss, connector, browser, capsys):
    sign_in(browser, "alice")
    _decide(ss, ss.state.access_requests_list()[0]["id"], "deny", comment="no")
    call_command("sync_access_requests", "--no-progress")
    assert "1 status changes recorded" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="access_request.denied").count() == 1


def test_sync_command_exit_codes(ss, db):
    with pytest.raises(CommandError) as exc:
        call_command("sync_access_requests", "--no-progress")
    assert exc.value.returncode == 2


def test_sync_command_unavailable(ss, connector):
    ss.inject_fault("status", count=20, status=503)
    with pytest.raises(CommandError) as exc:
        call_command("sync_access_requests", "--no-progress")
    assert exc.value.returncode == 3


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_two_workers_syncing_the_same_change_record_it_once(ss, connector, browser):
    for attempt in range(20):
        sign_in(browser.__class__(REMOTE_ADDR=f"10.9.0.{attempt}"), "bob" if attempt % 2 else "alice")
    app = connector["app"]
    pending = [r for r in app.search_access_requests() if r.is_pending]
    for r in pending:
        _decide(ss, r.id, "approve", hours=1, comment="go")
    approved = [r for r in app.search_access_requests() if r.id in {p.id for p in pending}]
    for ss_req in approved:
        barrier = threading.Barrier(2)
        results = []

        def worker():
            barrier.wait()
            try:
                results.append(access_request_apply(ss_req)[1])
            finally:
                connection.close()

        threads = [threading.Thread(target=worker) for _ in range(2)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        assert sorted(results) == [0, 1]
        assert AccessRequestEvent.objects.filter(request__ss_request_id=ss_req.id, status="Approved").count() == 1
        assert AuditEvent.objects.filter(action="access_request.approved", target_id=str(ss_req.id)).count() == 1


def _token(ss, user):
    return SecretServerClient(ss.url).password_grant(user, DEMO_PASSWORDS[user]).access_token


def test_bearer_token_for_an_auditor_reads_the_api_and_is_cached(ss, connector):
    from rest_framework.test import APIClient
    api = APIClient()
    token = _token(ss, "carol")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    assert api.get("/api/access-requests/").status_code == 200
    assert api.get("/api/access-requests/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.bearer").count() == 1
    assert not any(token in str(r.message) + str(r.after) for r in AuditEvent.objects.all())
    assert api.post("/api/access-requests/", {}).status_code in (403, 405)


def test_bearer_errors_are_401_with_www_authenticate(ss, connector):
    from rest_framework.test import APIClient
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Bearer not-a-real-token")
    response = api.get("/api/access-requests/")
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    assert AuditEvent.objects.filter(action="auth.bearer", outcome="failure").count() == 1


def test_bearer_for_someone_without_access_is_403(ss, connector):
    from rest_framework.test import APIClient
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {_token(ss, 'bob')}")
    assert api.get("/api/access-requests/").status_code == 403
    assert AuditEvent.objects.filter(action="auth.bearer", outcome="denied").count() == 1
