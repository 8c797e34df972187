"""Lockout, sessions (fresh key, idle expiry, absolute cap, logout), re-check and revocation, admin login."""
import time

import pytest

from connector.models import AuditEvent
from connector.services.signin import MSG_INCORRECT, MSG_LOCKED_OUT, MSG_UNAVAILABLE
from connector.signin_session import LAST_ACTIVITY, SIGNED_IN_AT

from .conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def password_grants(ss):
    return [r for r in ss.requests if r.path == "/oauth2/token" and r.user != "scim-app"]


def test_lockout_per_user_and_ip_is_checked_before_secret_server(ss, connector, browser):
    for _ in range(5):
        assert MSG_INCORRECT in sign_in(browser, "bob", "wrong").content.decode()
    ss.clear_requests()
    body = sign_in(browser, "bob").content.decode()  # even the right password
    assert MSG_LOCKED_OUT in body
    assert not password_grants(ss)
    assert AuditEvent.objects.filter(action="auth.signin", outcome="denied").count() == 1
    # another address is not locked by the (user, IP) counter
    from django.test import Client
    assert sign_in(Client(REMOTE_ADDR="10.0.0.9"), "admin").status_code == 302


def test_unknown_user_locks_out_identically(ss, connector, browser):
    for name in ("bob", "nobody-here"):
        for _ in range(5):
            assert MSG_INCORRECT in sign_in(browser, name, "wrong").content.decode()
        assert MSG_LOCKED_OUT in sign_in(browser, name, "wrong").content.decode()


def test_lockout_per_user_across_addresses(ss, connector):
    from django.test import Client
    for i in range(10):
        sign_in(Client(REMOTE_ADDR=f"10.1.0.{i}"), "alice", "wrong")
    ss.clear_requests()
    assert MSG_LOCKED_OUT in sign_in(Client(REMOTE_ADDR="10.2.0.1"), "alice").content.decode()
    assert not password_grants(ss)


def test_success_resets_the_user_ip_counter(ss, connector, browser):
    for _ in range(4):
        sign_in(browser, "admin", "wrong")
    assert sign_in(browser, "admin").status_code == 302
    browser.post("/accounts/logout/")
    for _ in range(4):
        sign_in(browser, "admin", "wrong")
    assert sign_in(browser, "admin").status_code == 302


def test_sign_in_gives_a_fresh_session_key(ss, connector, browser):
    browser.get("/accounts/login/")
    browser.session.save()
    before = browser.cookies["sessionid"].value if "sessionid" in browser.cookies else None
    session = browser.session
    session["probe"] = 1
    session.save()
    before = session.session_key
    assert sign_in(browser, "admin").status_code == 302
    assert browser.session.session_key != before


def test_logout_is_post_only_ends_the_session_and_is_audited(ss, connector, browser):
    sign_in(browser, "admin")
    key = browser.session.session_key
    assert browser.get("/accounts/logout/").status_code == 405
    response = browser.post("/accounts/logout/")
    assert response.status_code == 302
    from django.contrib.sessions.models import Session
    assert not Session.objects.filter(session_key=key).exists()
    assert "_auth_user_id" not in browser.session
    assert AuditEvent.objects.filter(action="auth.signout").count() == 1
    assert "You are signed out." in browser.get("/accounts/login/").content.decode()


def _age_session(browser, **shift):
    session = browser.session
    for key, seconds in shift.items():
        session[key] = session[key] - seconds
    session.save()


def test_idle_expiry(ss, connector, browser):
    sign_in(browser, "admin")
    _age_session(browser, **{LAST_ACTIVITY: 61 * 60})
    response = browser.get("/history/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert "_auth_user_id" not in browser.session
    assert "inactivity" in browser.get("/accounts/login/").content.decode()


def test_absolute_cap(ss, connector, browser):
    sign_in(browser, "admin")
    _age_session(browser, **{SIGNED_IN_AT: 12 * 3600 + 1})
    response = browser.get("/history/")
    assert response.status_code == 302
    assert "_auth_user_id" not in browser.session
    assert "maximum length" in browser.get("/accounts/login/").content.decode()


def _age_check(browser, seconds):
    from datetime import datetime, timedelta
    session = browser.session
    access = dict(session["connector_access"])
    access["checked_at"] = (datetime.fromisoformat(access["checked_at"]) - timedelta(seconds=seconds)).isoformat()
    session["connector_access"] = access
    session.save()


def test_removing_the_share_signs_them_out_within_the_cache_window(ss, connector, browser, settings):
    settings.CONNECTOR_ACCESS_RECHECK_SECONDS = 1
    sign_in(browser, "admin")
    assert browser.get("/history/").status_code in (200, 302)
    assert "_auth_user_id" in browser.session
    app = connector["app"]
    for p in app.secret_permissions(secret_id=connector["secret_id"]):
        if p.user_id == 2:
            app.delete_secret_permission(p.id)
    time.sleep(1.1)
    response = browser.get("/history/")
    assert response.status_code == 302 and "_auth_user_id" not in browser.session
    assert "was removed in Secret Server" in browser.get("/accounts/login/").content.decode()


def test_recheck_keeps_the_share_and_is_cached(ss, connector, browser, settings):
    sign_in(browser, "admin")
    ss.clear_requests()
    browser.get("/history/")
    assert not [r for r in ss.requests if "secret-permissions" in r.path]  # cached (< 60 s)
    _age_check(browser, 61)
    browser.get("/history/")
    assert [r for r in ss.requests if "secret-permissions" in r.path]
    assert "_auth_user_id" in browser.session
    assert browser.session["connector_access"]["role"] == "administrator"


def test_secret_server_down_keeps_the_decision_only_for_five_minutes(ss, connector, browser):
    sign_in(browser, "carol")
    _age_check(browser, 120)
    ss.inject_fault("status", count=50, status=503)
    assert browser.get("/history/").status_code != 503
    _age_check(browser, 200)
    response = browser.get("/history/")
    assert response.status_code == 503 and MSG_UNAVAILABLE in response.content.decode()
    assert "_auth_user_id" in browser.session  # not signed out, just refused until Secret Server answers


def test_admin_site_signs_in_through_secret_server(ss, connector, browser):
    response = browser.post("/admin/login/?next=/admin/", {"username": "carol", "password": "Carol-Passw0rd!",
                                                           "next": "/admin/"})
    assert response.status_code == 302
    assert browser.get("/admin/").status_code == 200
    assert AuditEvent.objects.filter(action="auth.signin").count() == 1
    other = browser.__class__(REMOTE_ADDR="10.0.0.7")
    response = other.post("/admin/login/", {"username": "alice", "password": "wrong"})
    assert MSG_INCORRECT in response.content.decode()
    assert AuditEvent.objects.filter(action="auth.signin").count() == 2
