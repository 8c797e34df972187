"""Messages page (live view of the newest audit events) and its fragment: who may see it, what it shows."""
import pytest
from django.urls import reverse

from connector.access import Role
from connector.selectors.messages import recent_messages
from connector.services.audit import audit_record
from tests.helpers import sign_in_as

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_setup_redirect(settings):
    settings.CONNECTOR_SETUP_REDIRECT = False


def _events():
    audit_record(action="auth.signin", outcome="success", actor_name="alice", message="allowed: ")
    audit_record(action="settings.update", outcome="success", actor_name="admin", target_type="settings",
                 target_repr="SCIMSecret testhost", message="bulk_max_operations 1000 -> 500")
    audit_record(action="auth.signin", outcome="error", actor_name="bob", message="unavailable: Secret Server service unavailable.")


def test_recent_messages_are_the_newest_first_and_bounded():
    _events()
    rows = recent_messages(limit=2)
    assert [r.action for r in rows] == ["auth.signin", "settings.update"]
    assert rows[0].actor == "bob" and rows[0].outcome == "error"
    assert rows[1].target == "SCIMSecret testhost"


def test_intents_are_left_out_and_empty_details_read_cleanly():
    audit_record(action="endpoint.create", outcome="intent", actor_name="admin")
    audit_record(action="auth.signin", outcome="success", actor_name="admin", message="allowed: ")
    rows = recent_messages()
    assert [(r.action, r.outcome, r.text) for r in rows] == [("auth.signin", "success", "allowed")]


def _get_as_admin(client, url_name):
    """The page signed in as an administrator, checked to be a 200; returns the response and its HTML."""
    sign_in_as(client, "admin")
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    return response, response.content.decode()


def test_the_page_shows_events_and_wires_the_live_feed(client):
    _events()
    _, html = _get_as_admin(client, "connector:messages")
    assert f'data-poll-url="{reverse("connector:messages-feed")}"' in html
    assert 'data-poll-toggle="#messages-feed"' in html
    assert "Secret Server service unavailable." in html
    assert "settings.update" in html


def test_the_feed_is_just_the_list_and_never_cached(client):
    _events()
    response, html = _get_as_admin(client, "connector:messages-feed")
    assert "<html" not in html and "<table" in html and "bob" in html
    assert "no-store" in response["Cache-Control"]


def test_the_feed_with_no_events_says_so_kindly(client):
    sign_in_as(client, "admin")
    assert "No events yet" in client.get(reverse("connector:messages-feed")).content.decode()


@pytest.mark.parametrize("name", ["connector:messages", "connector:messages-feed"])
def test_auditors_get_the_friendly_403_and_anonymous_people_the_sign_in_page(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    sign_in_as(client, "carol", Role.AUDITOR, ss_user_id=6)
    response = client.get(reverse(name))
    assert response.status_code == 403
    assert "Contact SCIM Connector owner for access." in response.content.decode()
