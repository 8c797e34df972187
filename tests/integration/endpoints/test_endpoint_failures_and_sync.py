"""Secret Server failures change nothing locally; mirror failures say so; sync repairs the mirror."""
import json

import pytest
from django.urls import reverse

from connector.models import AuditEvent, EndpointMirror
from connector.secretserver import SecretServerClient, Unavailable
from connector.services import endpoints as endpoint_service
from connector.services.endpoint_tokens import endpoint_token_verify
from connector.services.endpoints import MSG_MIRROR_FAILED, endpoint_create, endpoint_sync

pytestmark = pytest.mark.django_db


def _form(**changes):
    data = {"name": "Okta", "url": "https://idp.example.test/scim", "username": "okta-svc", "password": "Pw-okta",
            "mappings-TOTAL_FORMS": "1", "mappings-INITIAL_FORMS": "0", "mappings-MIN_NUM_FORMS": "0",
            "mappings-MAX_NUM_FORMS": "1000"}
    data.update(changes)
    return data


def _rows(action):
    return list(AuditEvent.objects.filter(action=action).order_by("seq").values_list("outcome", "message"))


def _local_state():
    return list(EndpointMirror.objects.order_by("pk").values())


def test_secret_server_down_on_create_changes_nothing_and_says_why(admin_client, ss):
    ss.inject_fault("status", count=50, status=503, path_prefix="/api/v1/secrets")
    response = admin_client.post(reverse("connector:endpoint-add"), _form())
    assert response.status_code == 400
    assert "Secret Server service unavailable." in response.content.decode()
    assert not EndpointMirror.objects.exists()
    rows = _rows("endpoint.create")
    assert [outcome for outcome, _ in rows] == ["intent", "error"]
    ss.clear_faults()
    assert not [s for s in ss.state.secrets.values() if s["name"] == "Okta"]


def test_a_failed_write_call_leaves_the_mirror_and_token_as_they_were(admin_client, ss, monkeypatch):
    created = endpoint_create(name="Okta", url="https://idp.example.test/scim", username="u", password="Pw-1")
    before = _local_state()

    def refuse(self, *args, **kwargs):
        raise Unavailable(status=503, method="PUT", path="/api/v1/secrets/x")

    monkeypatch.setattr(SecretServerClient, "update_secret", refuse)
    monkeypatch.setattr(SecretServerClient, "update_secret_field", refuse)
    secret_id = created.endpoint.ss_secret_id
    edit = admin_client.post(reverse("connector:endpoint-edit", args=[secret_id]), _form(name="Renamed"))
    assert edit.status_code == 400 and "Secret Server service unavailable." in edit.content.decode()
    regen = admin_client.post(reverse("connector:endpoint-token", args=[secret_id]), follow=True)
    assert "Secret Server service unavailable." in regen.content.decode()
    api = admin_client.post(f"/api/connector/endpoints/{secret_id}/token/")
    assert api.status_code == 503 and api.json()["detail"] == "Secret Server service unavailable."
    assert _local_state() == before
    assert endpoint_token_verify(created.token.value) is not None
    assert [o for o, _ in _rows("endpoint.update")] == ["intent", "error"]
    assert [o for o, _ in _rows("endpoint.token_generate")] == ["intent", "error", "intent", "error"]
    assert ss.state.secrets[secret_id]["name"] == "Okta"


def test_a_mirror_failure_after_secret_server_succeeded_is_reported_and_repaired_by_sync(admin_client, ss,
                                                                                        monkeypatch):
    def broken(endpoint):
        raise RuntimeError("disk full")

    monkeypatch.setattr(endpoint_service, "_mirror_upsert", broken)
    response = admin_client.post(reverse("connector:endpoint-add"), _form())
    assert response.status_code == 302
    rows = _rows("endpoint.create")
    assert [o for o, _ in rows] == ["intent", "error"] and MSG_MIRROR_FAILED in rows[1][1]
    assert [s for s in ss.state.secrets.values() if s["name"] == "Okta"]  # it is in Secret Server
    assert not EndpointMirror.objects.exists()
    monkeypatch.undo()
    listing = admin_client.get(response["Location"]).content.decode()  # the list syncs
    assert MSG_MIRROR_FAILED in listing
    assert "Okta" in listing and EndpointMirror.objects.get().token_hash


def test_sync_follows_changes_made_directly_in_secret_server(connector, ss, ss_app):
    a = endpoint_create(name="Alpha", url="https://a.example.test/scim", username="a", password="Pw-a")
    b = endpoint_create(name="Beta", url="https://b.example.test/scim", username="b", password="Pw-b")
    # Edited, added and deleted directly in Secret Server.
    secret = ss_app.get_secret(a.endpoint.ss_secret_id)
    ss_app.update_secret(secret.with_values(name="Alpha renamed", url="https://a2.example.test/scim"))
    stub = ss_app.secret_stub(9, connector.folder_id)
    by_hand = ss_app.create_secret(stub, name="Manual", folder_id=connector.folder_id,
                                   fields={"url": "https://m.example.test", "username": "m", "password": "Pw-m",
                                           "notes": json.dumps({"tokenValue": "legacy", "tokenType": "NonExpiryToken"})})
    ss_app.delete_secret(b.endpoint.ss_secret_id)
    counts = endpoint_sync()
    assert counts == {"created": 1, "updated": 1, "unchanged": 0, "deactivated": 1}
    active = {m.name: m for m in EndpointMirror.objects.filter(active=True)}
    assert set(active) == {"Alpha renamed", "Manual"}  # the SCIMSecret is never an endpoint
    assert active["Alpha renamed"].url == "https://a2.example.test/scim"
    assert active["Manual"].token_id is None and active["Manual"].ss_secret_id == by_hand.id
    assert endpoint_token_verify(b.token.value) is None
    assert endpoint_token_verify(a.token.value).name == "Alpha renamed"
    assert endpoint_sync() == {"created": 0, "updated": 0, "unchanged": 2, "deactivated": 0}


def test_saving_an_endpoint_without_a_token_generates_one(admin_client, connector, ss_app):
    stub = ss_app.secret_stub(9, connector.folder_id)
    manual = ss_app.create_secret(stub, name="Manual", folder_id=connector.folder_id,
                                  fields={"url": "https://m.example.test", "username": "m", "password": "Pw-m"})
    response = admin_client.post(reverse("connector:endpoint-edit", args=[manual.id]),
                                 _form(name="Manual", url="https://m.example.test", username="m", password=""),
                                 follow=True)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    assert "will not be shown again" in response.content.decode()
    assert EndpointMirror.objects.get(ss_secret_id=manual.id).token_hash


def test_the_sync_step_is_registered_for_the_management_command():
    sync = pytest.importorskip("connector.services.sync")
    assert endpoint_service.endpoint_mirror_sync in sync.SYNC_STEPS
