"""Pinned Secret Server round trips per sign-in and per access re-check (counts, not times: issue 10).

A known administrator costs 2 calls (password grant + access probe), a known auditor 3 (+ groups); the
first sign-in of a person adds the current-user lookup. The 60-second re-check asks about this person and
this secret only.
"""
from datetime import UTC, datetime, timedelta

import pytest

from connector.models import SecretServerIdentity

from .conftest import ADMIN_USER_ID, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def person_calls(ss):
    """(method, path) of every round trip except the application account's and the emulator's controls."""
    return [(r.method, r.path) for r in ss.requests if not r.path.startswith("/_emulator/") and r.user != "scim-app"]


def app_calls(ss):
    return [r for r in ss.requests if not r.path.startswith("/_emulator/") and r.user == "scim-app"]


def _again(ss, browser, username):
    sign_in(browser, username)
    browser.post("/accounts/logout/")
    ss.clear_requests()
    return sign_in(browser, username)


def test_first_sign_in_of_an_administrator_costs_three_calls(ss, connector, browser):
    assert sign_in(browser, "admin").status_code == 302
    assert person_calls(ss) == [("POST", "/oauth2/token"), ("GET", "/api/v1/users/current"),
                                ("GET", f"/api/v1/secrets/{connector['secret_id']}/state")]


def test_known_administrator_costs_two_calls(ss, connector, browser):
    response = _again(ss, browser, "admin")
    assert response.status_code == 302
    assert browser.session["connector_access"]["role"] == "administrator"
    assert browser.session["connector_access"]["ss_user_id"] == ADMIN_USER_ID
    assert person_calls(ss) == [("POST", "/oauth2/token"), ("GET", f"/api/v1/secrets/{connector['secret_id']}/state")]


def test_known_administrator_typed_in_another_case_is_still_known(ss, connector, browser):
    sign_in(browser, "admin")
    browser.post("/accounts/logout/")
    ss.clear_requests()
    assert sign_in(browser, "ADMIN", password="Admin-Passw0rd!").status_code == 302
    assert len(person_calls(ss)) == 2


def test_first_auditor_sign_in_costs_four_and_a_known_auditor_three(ss, connector, browser):
    assert sign_in(browser, "carol").status_code == 302
    assert len(person_calls(ss)) == 4
    response = _again(ss, browser, "carol")
    assert response.status_code == 302 and browser.session["connector_access"]["role"] == "auditor"
    carol_id = browser.session["connector_access"]["ss_user_id"]
    assert person_calls(ss) == [("POST", "/oauth2/token"), ("GET", f"/api/v1/secrets/{connector['secret_id']}/state"),
                                ("GET", f"/api/v1/users/{carol_id}/groups")]


def test_a_stale_identity_link_is_corrected_with_the_current_user_lookup(ss, connector, browser):
    """The remembered id now names someone else (a rename in Secret Server): ask who this is, relink."""
    sign_in(browser, "carol")
    browser.post("/accounts/logout/")
    link = SecretServerIdentity.objects.get(user__username="carol")
    carol_id = link.ss_user_id
    link.ss_user_id = ADMIN_USER_ID  # the id now names someone else
    link.save()
    ss.clear_requests()
    response = sign_in(browser, "carol")
    assert response.status_code == 302
    assert browser.session["connector_access"]["role"] == "auditor"
    assert browser.session["connector_access"]["ss_user_id"] == carol_id
    assert ("GET", "/api/v1/users/current") in person_calls(ss)
    assert SecretServerIdentity.objects.get(user__username="carol").ss_user_id == carol_id


def test_recheck_of_a_temporary_administrator_asks_about_this_person_and_secret_only(ss, connector, browser):
    import requests

    sign_in(browser, "alice")  # files a request
    req_id = ss.state.access_requests_list()[0]["id"]
    r = requests.post(f"{ss.url}/_emulator/access-requests/{req_id}/approve",
                      json={"approver": "admin", "hours": 2, "comment": "ok"}, timeout=5)
    assert r.status_code == 200
    assert sign_in(browser, "alice").status_code == 302
    session = browser.session
    access = dict(session["connector_access"])
    access["checked_at"] = (datetime.now(UTC) - timedelta(seconds=61)).isoformat()
    session["connector_access"] = access
    session.save()
    ss.clear_requests()
    assert browser.get("/history/").status_code == 200
    searches = [r for r in app_calls(ss) if r.path == "/api/v1/secret-access-requests"
                and "filter.requestinguserid" in {k.lower() for k in r.query}]
    assert len(searches) == 1  # (the history page's own sync asks for the SCIMSecret's requests apart)
    query = {k.lower(): v for k, v in searches[0].query.items()}
    assert query["filter.secretid"] == str(connector["secret_id"])
    assert query["filter.requestinguserid"] == str(access["ss_user_id"])
    assert query["filter.status"] == "Approved"
    assert browser.session["connector_access"]["via"] == "request"
