"""Writes whose answer is lost (issue 9): Secret Server applies a write after the connector's deadline.

Reproduced over real HTTP with the emulator's latency fault on the write alone (longer than the client
deadline). Before the fix the connector reported and audited these as failed; a regenerated token was then
live in Secret Server but never shown. Now the connector re-reads, and says, shows and audits what happened.
"""
import json

import pytest
from django.urls import reverse

from connector.messages import MSG_CONFIRMED_LATE, MSG_UNAVAILABLE
from connector.models import AuditEvent, EndpointMirror, SettingsMirror
from connector.services.endpoint_tokens import endpoint_token_verify

pytestmark = pytest.mark.django_db
BASE = "/api/connector/endpoints/"
DEADLINE, LATE_MS = 1.0, 2500


@pytest.fixture
def slow_deadline(settings, ss):
    settings.SECRET_SERVER_TIMEOUT = DEADLINE
    settings.SECRET_SERVER_WRITE_RECONCILE_SECONDS = 6


def _create(client):
    response = client.post(BASE, {"name": "Azure", "url": "https://azure.example.test/scim", "username": "svc",
                                  "password": "Pw-1"}, content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def _last(action):
    return AuditEvent.objects.filter(action=action).exclude(outcome="intent").latest("seq")


def test_a_token_regeneration_that_lands_late_shows_the_new_token_once(admin_client, ss, slow_deadline):
    created = _create(admin_client)
    old_token, secret_id = created["token"], created["id"]
    ss.inject_fault("latency", latency_ms=LATE_MS, path_prefix=f"/api/v1/secrets/{secret_id}/fields/notes",
                    method="PUT")
    response = admin_client.post(reverse("connector:endpoint-token", args=[secret_id]),
                                 {"revision": created["revision"]})
    assert response.status_code == 302 and response.url == reverse("connector:endpoint-edit", args=[secret_id])
    page = admin_client.get(response.url).content.decode()
    assert MSG_CONFIRMED_LATE in page
    notes = json.loads(ss.state.secret_items(secret_id)["notes"])
    shown = [word for word in page.replace("<", " ").replace(">", " ").replace('"', " ").split()
             if word.startswith(f"scim_{notes['tokenId']}_")]
    assert shown, "the new token is shown on the page that follows"
    assert endpoint_token_verify(shown[0]).ss_secret_id == secret_id
    assert endpoint_token_verify(old_token) is None
    assert EndpointMirror.objects.get(ss_secret_id=secret_id).token_id == notes["tokenId"]
    row = _last("endpoint.token_generate")
    assert row.outcome == "success" and MSG_CONFIRMED_LATE in row.message
    assert shown[0] not in admin_client.get(response.url).content.decode()  # once


def test_a_token_regeneration_that_never_lands_changes_nothing(admin_client, ss, slow_deadline):
    created = _create(admin_client)
    ss.inject_fault("status", status=503, count=5, path_prefix=f"/api/v1/secrets/{created['id']}/fields/notes",
                    method="PUT")
    response = admin_client.post(f"{BASE}{created['id']}/token/", {"revision": created["revision"]},
                                 content_type="application/json")
    assert response.status_code == 503 and response.json()["detail"] == MSG_UNAVAILABLE
    assert endpoint_token_verify(created["token"]).ss_secret_id == created["id"]
    assert json.loads(ss.state.secret_items(created["id"])["notes"])["revision"] == created["revision"]
    assert _last("endpoint.token_generate").outcome == "error"


def test_an_api_token_regeneration_that_lands_late_answers_with_the_token(admin_client, ss, slow_deadline):
    created = _create(admin_client)
    ss.inject_fault("latency", latency_ms=LATE_MS, path_prefix=f"/api/v1/secrets/{created['id']}/fields/notes",
                    method="PUT")
    response = admin_client.post(f"{BASE}{created['id']}/token/", {"revision": created["revision"]},
                                 content_type="application/json")
    assert response.status_code == 200, response.content
    assert endpoint_token_verify(response.json()["token"]).ss_secret_id == created["id"]
    assert endpoint_token_verify(created["token"]) is None


def test_an_endpoint_create_that_lands_late_is_created_with_its_token(admin_client, ss, slow_deadline):
    ss.inject_fault("latency", latency_ms=LATE_MS, path_prefix="/api/v1/secrets", method="POST")
    created = _create(admin_client)
    assert endpoint_token_verify(created["token"]).ss_secret_id == created["id"]
    assert sum(s["name"] == "Azure" for s in ss.state.secrets.values()) == 1
    row = _last("endpoint.create")
    assert row.outcome == "success" and MSG_CONFIRMED_LATE in row.message


def test_an_endpoint_update_that_lands_late_is_reported_saved(admin_client, ss, slow_deadline):
    created = _create(admin_client)
    ss.inject_fault("latency", latency_ms=LATE_MS, path_prefix=f"/api/v1/secrets/{created['id']}", method="PUT")
    response = admin_client.patch(f"{BASE}{created['id']}/", {"name": "Azure AD", "revision": created["revision"]},
                                  content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["name"] == "Azure AD" and response.json()["revision"] == created["revision"] + 1
    assert EndpointMirror.objects.get(ss_secret_id=created["id"]).name == "Azure AD"
    assert _last("endpoint.update").outcome == "success"


def test_a_settings_save_that_lands_late_is_reported_saved(admin_client, ss, connector, slow_deadline):
    from connector.forms.settings import ConfigurationSettingsForm
    from connector.configuration import ConnectorSettings

    data = {k: v for k, v in ConfigurationSettingsForm.initial_from(ConnectorSettings(), 0).items()
            if not (isinstance(v, bool) and not v)}
    data["ui_session_minutes"] = 45
    ss.inject_fault("latency", latency_ms=LATE_MS,
                    path_prefix=f"/api/v1/secrets/{connector.scim_secret_id}/fields/notes", method="PUT")
    response = admin_client.post(reverse("connector:settings-configuration"), data, follow=True)
    page = response.content.decode()
    assert "Configuration saved (revision 1)." in page and MSG_CONFIRMED_LATE in page
    stored = json.loads(ss.state.secret_items(connector.scim_secret_id)["notes"])
    assert stored["revision"] == 1 and stored["settings"]["ui_session_minutes"] == 45
    assert SettingsMirror.objects.get().revision == 1
    row = _last("settings.update")
    assert row.outcome == "success" and MSG_CONFIRMED_LATE in row.message
