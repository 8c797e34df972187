"""Every sign-in outcome, through the login form, over real HTTP to the emulator."""
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model

from accessrequests.models import AccessRequest, AccessRequestEvent
from connector.models import AuditEvent, SecretServerIdentity
from connector.services.signin import (
    MSG_EXPIRED,
    MSG_INCORRECT,
    MSG_NO_PERMISSION,
    MSG_NOT_CONFIGURED,
    MSG_PENDING,
    MSG_UNAVAILABLE,
)

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def signin_rows():
    return list(AuditEvent.objects.filter(action="auth.signin").order_by("seq"))


def ss_calls(ss):
    """Round trips made as the person (the application account's cached settings read is counted apart)."""
    return [r for r in ss.requests if not r.path.startswith("/_emulator/") and r.user != "scim-app"]


def test_it_signs_the_owner_in_as_administrator(ss, connector, browser):
    response = sign_in(browser, "admin")
    assert response.status_code == 302
    user = get_user_model().objects.get(username="admin")
    assert user.is_staff and not user.is_superuser and not user.has_usable_password()
    assert SecretServerIdentity.objects.get(user=user).ss_user_id == 2
    rows = signin_rows()
    assert len(rows) == 1 and rows[0].outcome == "success" and rows[0].actor_id == user.pk
    session = browser.session
    assert session["connector_access"]["role"] == "administrator"
    assert session["connector_access"]["via"] == "share"
    assert len(ss_calls(ss)) == 3  # grant, current user, secret state


def test_it_signs_an_auditor_in_without_a_request(ss, connector, browser):
    response = sign_in(browser, "carol")
    assert response.status_code == 302
    assert browser.session["connector_access"]["role"] == "auditor"
    assert get_user_model().objects.get(username="carol").is_staff
    assert not ss.state.access_requests_list()
    assert len(ss_calls(ss)) == 4


def test_first_sign_in_files_a_request_and_says_pending(ss, connector, browser):
    response = sign_in(browser, "alice")
    assert response.status_code == 200
    assert MSG_PENDING in response.content.decode()
    assert "_auth_user_id" not in browser.session
    reqs = ss.state.access_requests_list()
    assert len(reqs) == 1 and reqs[0]["status"] == "Pending"
    assert "Access to SCIM Connector requested by alice from 10.0.0.5" == reqs[0]["requestComment"]
    mirror = AccessRequest.objects.get()
    assert mirror.status == "Pending" and mirror.requester.username == "alice"
    assert AccessRequestEvent.objects.filter(request=mirror, status="Pending").count() == 1
    assert len(signin_rows()) == 1
    assert AuditEvent.objects.filter(action="access_request.filed").count() == 1
    assert len(ss_calls(ss)) == 6  # grant, me, state, groups, my requests, file
    alice = get_user_model().objects.get(username="alice")
    assert not alice.is_staff


def test_signing_in_again_while_pending_files_nothing_new(ss, connector, browser):
    sign_in(browser, "alice")
    ss.clear_requests()
    response = sign_in(browser, "alice")
    assert MSG_PENDING in response.content.decode()
    assert len(ss.state.access_requests_list()) == 1
    assert AuditEvent.objects.filter(action="access_request.filed").count() == 1
    assert len(signin_rows()) == 2
    assert len(ss_calls(ss)) == 4  # grant, state, groups, my requests (alice is known: no current-user lookup)


def _approve(ss, request_id, hours=2, comment="Needs it for the migration"):
    import requests

    r = requests.post(f"{ss.url}/_emulator/access-requests/{request_id}/approve",
                      json={"approver": "admin", "hours": hours, "comment": comment}, timeout=5)
    assert r.status_code == 200, r.text


def _deny(ss, request_id, comment="Not this week"):
    import requests

    r = requests.post(f"{ss.url}/_emulator/access-requests/{request_id}/deny",
                      json={"approver": "admin", "comment": comment}, timeout=5)
    assert r.status_code == 200, r.text


def test_approved_request_lets_them_in_until_the_window_ends(ss, connector, browser, settings):
    sign_in(browser, "alice")
    req_id = ss.state.access_requests_list()[0]["id"]
    _approve(ss, req_id, hours=2)
    response = sign_in(browser, "alice")
    assert response.status_code == 302
    access = browser.session["connector_access"]
    assert access["role"] == "administrator" and access["via"] == "request"
    until = datetime.fromisoformat(access["access_until"])
    assert timedelta(hours=1, minutes=59) < until - datetime.now(UTC) <= timedelta(hours=2, minutes=1)
    mirror = AccessRequest.objects.get()
    assert mirror.status == "Approved" and mirror.justification == "Needs it for the migration"
    assert AuditEvent.objects.filter(action="access_request.approved").count() == 1
    page = browser.get("/accounts/login/")
    assert "Administrator (temporary)" in page.content.decode()

    # the window ends in Secret Server: the next request signs her out with the reason
    ss.advance_clock(2 * 3600 + 60)
    _shift_window(browser, seconds=2 * 3600 + 60)
    response = browser.get("/history/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "_auth_user_id" not in browser.session
    page = browser.get(response["Location"])
    assert "approved request expired" in page.content.decode()
    assert AuditEvent.objects.filter(action="auth.session_end").count() == 1


def _shift_window(browser, seconds):
    """Our clock does not move with the emulator's: move the session's window end into the past instead."""
    session = browser.session
    access = dict(session["connector_access"])
    until = datetime.fromisoformat(access["access_until"]) - timedelta(seconds=seconds)
    access["access_until"] = until.isoformat()
    session["connector_access"] = access
    session.save()


def test_denied_request_shows_the_reviewers_comment_and_can_be_asked_again(ss, connector, browser):
    sign_in(browser, "alice")
    _deny(ss, ss.state.access_requests_list()[0]["id"], comment="Ask your manager first")
    response = sign_in(browser, "alice")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Ask your manager first" in body and "Request access again" in body
    assert len(ss.state.access_requests_list()) == 1
    assert AccessRequest.objects.get().status == "Denied"
    response = sign_in(browser, "alice", request_again="1")
    assert MSG_PENDING in response.content.decode()
    statuses = sorted(r["status"] for r in ss.state.access_requests_list())
    assert statuses == ["Denied", "Pending"]
    assert AuditEvent.objects.filter(action="access_request.filed").count() == 2
    assert AuditEvent.objects.filter(action="access_request.denied").count() == 1


def test_request_again_needs_the_password(ss, connector, browser):
    sign_in(browser, "alice")
    _deny(ss, ss.state.access_requests_list()[0]["id"])
    response = sign_in(browser, "alice", password="wrong", request_again="1")
    assert MSG_INCORRECT in response.content.decode()
    assert len(ss.state.access_requests_list()) == 1


@pytest.mark.parametrize("username", ["dave"])
def test_it_shows_the_expired_password_message(ss, connector, browser, username):
    response = sign_in(browser, username)
    assert MSG_EXPIRED in response.content.decode()
    assert signin_rows()[-1].outcome == "failure"


@pytest.mark.parametrize("username,password", [("alice", "wrong"), ("erin", None), ("frank", None),
                                               ("nobody", "whatever")])
def test_wrong_locked_disabled_and_unknown_look_the_same(ss, connector, browser, username, password):
    response = sign_in(browser, username, password)
    assert response.status_code == 200
    assert MSG_INCORRECT in response.content.decode()
    assert len(signin_rows()) == 1


def test_unavailable_is_not_counted_as_a_failure(ss, connector, browser, settings):
    settings.SIGNIN_FAILURES_PER_USER_IP = 2
    for _ in range(3):
        ss.inject_fault("status", count=1, status=503)
        response = sign_in(browser, "admin")
        assert MSG_UNAVAILABLE in response.content.decode()
    assert sign_in(browser, "admin").status_code == 302
    assert [r.outcome for r in signin_rows()] == ["error", "error", "error", "success"]


def test_not_configured(ss, db, browser):
    page = browser.get("/accounts/login/")
    assert MSG_NOT_CONFIGURED in page.content.decode()
    response = sign_in(browser, "admin")
    assert MSG_NOT_CONFIGURED in response.content.decode()


def test_no_view_at_all(ss, connector, browser):
    app = connector["app"]
    for p in app.secret_permissions(secret_id=connector["secret_id"]):
        if p.group_id == 1:
            app.delete_secret_permission(p.id)
    response = sign_in(browser, "bob")
    assert MSG_NO_PERMISSION in response.content.decode()
    assert not ss.state.access_requests_list()


def test_empty_fields(ss, connector, browser):
    body = browser.post("/accounts/login/", {"username": "", "password": ""}).content.decode()
    assert "Username required." in body and "Password required." in body
    assert not signin_rows()


def test_a_person_shared_with_edit_still_files_a_request_and_is_told_to_share_as_owner(ss, connector, browser):
    """Setup makes viewers and editors need approval: an Edit share alone does not make an administrator."""
    from connector.services.setup import SHARE_AS_OWNER
    bob = ss.state.user_by_name("bob")
    connector["app"].create_secret_permission(connector["secret_id"], "Edit", user_id=bob["id"])
    response = sign_in(browser, "bob")
    assert response.status_code == 200 and "_auth_user_id" not in browser.session
    html = response.content.decode()
    assert MSG_PENDING in html and SHARE_AS_OWNER in html
    assert [r["status"] for r in ss.state.access_requests_list()] == ["Pending"]
