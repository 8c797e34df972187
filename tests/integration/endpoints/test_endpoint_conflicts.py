"""Two administrators editing one endpoint: the first save wins, the stale one is refused before any write.

Over real HTTP to the emulator. "Nothing written" is checked on the emulator itself: the secret's stored
state is unchanged and no write request (PUT/POST/PATCH/DELETE on /api/v1/secrets) reached it.
"""
import copy
import re

import pytest
from django.test import Client
from django.urls import reverse

from connector.models import AuditEvent, EndpointMirror
from connector.services.endpoint_tokens import endpoint_token_verify
from connector.services.endpoints import MSG_CONFLICT
from tests.helpers import sign_in_as

pytestmark = pytest.mark.django_db
BASE = "/api/connector/endpoints/"
WRITE_METHODS = {"PUT", "POST", "PATCH", "DELETE"}


@pytest.fixture
def second_admin(connector):
    """Another administrator with their own session."""
    other = Client()
    sign_in_as(other, "admin2", "administrator", ss_user_id=3)
    return other


def _form(revision=None, name="Okta", url="https://idp.example.test/scim/v2", username="okta-svc",
          password="Pw-1-okta"):
    data = {"name": name, "url": url, "username": username, "password": password,
            "mappings-TOTAL_FORMS": "1", "mappings-INITIAL_FORMS": "0",
            "mappings-MIN_NUM_FORMS": "0", "mappings-MAX_NUM_FORMS": "1000"}
    if revision is not None:
        data["revision"] = str(revision)
    return data


def _revision_on(page) -> int:
    """The revision the edit form's hidden field carries."""
    found = re.findall(r'<input type="hidden" name="revision" value="(\d+)" id="id_revision">',
                       page.content.decode())
    assert len(found) == 1, found
    return int(found[0])


def _input_value(page, name) -> str | None:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', page.content.decode())
    assert match, name
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else None


def _stored(ss, secret_id):
    """What Secret Server holds for the secret (items included), to compare before/after.

    ``lastAccessed`` is left out: the emulator stamps it on every read, and the service must read.
    """
    with ss.state.lock:
        secret = copy.deepcopy(ss.state.secrets[secret_id])
        secret.pop("lastAccessed", None)
        return secret, dict(ss.state.secret_items(secret_id))


def _secret_writes(ss):
    return [(r.method, r.path) for r in ss.requests
            if r.method in WRITE_METHODS and r.path.startswith("/api/v1/secrets")]


def _audit(action):
    """(intent rows, outcome rows as (outcome, message)) for ``action``."""
    rows = AuditEvent.objects.filter(action=action).order_by("seq")
    return (rows.filter(outcome="intent").count(),
            list(rows.exclude(outcome="intent").values_list("outcome", "message")))


def _create_via_ui(client) -> int:
    response = client.post(reverse("connector:endpoint-add"), _form())
    assert response.status_code == 302, response.content
    return EndpointMirror.objects.get().ss_secret_id


# --- the edit page ---------------------------------------------------------------------------------------

def test_a_stale_edit_form_is_refused_and_shows_the_current_values(admin_client, second_admin, ss):
    secret_id = _create_via_ui(admin_client)
    edit_url = reverse("connector:endpoint-edit", args=[secret_id])
    revision = _revision_on(admin_client.get(edit_url))
    assert _revision_on(second_admin.get(edit_url)) == revision == 1

    first = admin_client.post(edit_url, _form(revision, name="Okta EU", url="https://eu.example.test/scim",
                                              password=""))
    assert first.status_code == 302 and first["Location"] == reverse("connector:endpoint-list")
    before = _stored(ss, secret_id)
    ss.clear_requests()

    stale = second_admin.post(edit_url, _form(revision, name="Okta US", url="https://us.example.test/scim",
                                              username="us-svc", password="Pw-US-2"))
    assert stale.status_code == 409
    body = stale.content.decode()
    assert MSG_CONFLICT in body
    # The current values from Secret Server, not the refused post; the password field is blank.
    assert _input_value(stale, "name") == "Okta EU"
    assert _input_value(stale, "url") == "https://eu.example.test/scim"
    assert _input_value(stale, "username") == "okta-svc"
    assert _input_value(stale, "password") is None and "Pw-US-2" not in body and "Pw-1-okta" not in body
    assert "Okta US" not in body and "us-svc" not in body
    assert _revision_on(stale) == revision + 1
    # Nothing was written to Secret Server.
    assert _secret_writes(ss) == []
    assert _stored(ss, secret_id) == before
    assert EndpointMirror.objects.get().name == "Okta EU"
    intents, outcomes = _audit("endpoint.update")
    assert intents == 2 and [o for o, _ in outcomes] == ["success", "failure"]
    assert "EndpointConflict" in outcomes[1][1]

    # Re-applying on top of the current revision succeeds.
    again = second_admin.post(edit_url, _form(_revision_on(stale), name="Okta US", url="https://us.example.test/scim",
                                              username="us-svc", password="Pw-US-2"))
    assert again.status_code == 302
    items = ss.state.secret_items(secret_id)
    assert ss.state.secrets[secret_id]["name"] == "Okta US" and items["password"] == "Pw-US-2"
    assert _revision_on(admin_client.get(edit_url)) == revision + 2
    intents, outcomes = _audit("endpoint.update")
    assert intents == 3 and [o for o, _ in outcomes] == ["success", "failure", "success"]


def test_a_form_without_a_revision_still_saves(admin_client, ss):
    """Pages rendered before the revision field existed (and scripts) are not checked."""
    secret_id = _create_via_ui(admin_client)
    admin_client.post(reverse("connector:endpoint-edit", args=[secret_id]), _form(1, name="Moved on", password=""))
    response = admin_client.post(reverse("connector:endpoint-edit", args=[secret_id]),
                                 _form(name="No revision", password=""))
    assert response.status_code == 302
    assert ss.state.secrets[secret_id]["name"] == "No revision"
    assert [o for o, _ in _audit("endpoint.update")[1]] == ["success", "success"]


def test_stale_regenerate_and_delete_buttons_are_refused(admin_client, second_admin, ss):
    secret_id = _create_via_ui(admin_client)
    mirror = EndpointMirror.objects.get()
    edit_url = reverse("connector:endpoint-edit", args=[secret_id])
    admin_client.post(edit_url, _form(1, name="Okta EU", password=""))
    before = _stored(ss, secret_id)
    ss.clear_requests()

    token = second_admin.post(reverse("connector:endpoint-token", args=[secret_id]), {"revision": "1"})
    assert token.status_code == 409 and MSG_CONFLICT in token.content.decode()
    assert _input_value(token, "name") == "Okta EU" and _revision_on(token) == 2
    deleted = second_admin.post(reverse("connector:endpoint-delete", args=[secret_id]), {"revision": "1"})
    assert deleted.status_code == 409 and MSG_CONFLICT in deleted.content.decode()
    assert "Okta EU" in deleted.content.decode() and 'name="revision" value="2"' in deleted.content.decode()

    assert _secret_writes(ss) == [] and _stored(ss, secret_id) == before
    assert EndpointMirror.objects.get().token_hash == mirror.token_hash
    assert EndpointMirror.objects.get().active
    for action in ("endpoint.token_generate", "endpoint.delete"):
        intents, outcomes = _audit(action)
        assert intents == 1 and [o for o, _ in outcomes] == ["failure"], action

    # The buttons on a fresh page carry the current revision and work.
    page = second_admin.get(edit_url).content.decode()
    assert page.count('name="revision" value="2"') == 2  # the edit form and the regenerate form
    token_url = reverse("connector:endpoint-token", args=[secret_id])
    delete_url = reverse("connector:endpoint-delete", args=[secret_id])
    assert second_admin.post(token_url, {"revision": "2"}).status_code == 302
    assert second_admin.post(delete_url, {"revision": "3"}).status_code == 302
    assert not ss.state.secrets[secret_id]["active"]


# --- the API ---------------------------------------------------------------------------------------------

def _api_create(client) -> dict:
    response = client.post(BASE, {"name": "Azure", "url": "https://azure.example.test/scim", "username": "azure-svc",
                                  "password": "Pw-azure-1", "permission_mappings": []},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    return response.json()


def test_api_stale_revision_gets_409_with_the_current_endpoint(admin_client, second_admin, ss):
    created = _api_create(admin_client)
    url = f"{BASE}{created['id']}/"
    read_a = admin_client.get(url).json()
    read_b = second_admin.get(url).json()
    assert read_a["revision"] == read_b["revision"] == created["revision"] == 1

    first = admin_client.patch(url, {"name": "Azure AD", "revision": read_a["revision"]},
                               content_type="application/json")
    assert first.status_code == 200 and first.json()["revision"] == 2
    before = _stored(ss, created["id"])
    ss.clear_requests()

    for method in (second_admin.patch, second_admin.put):
        stale = method(url, {"name": "Azure B", "url": "https://b.example.test/scim", "username": "b-svc",
                             "password": "Pw-B-9", "permission_mappings": [], "revision": read_b["revision"]},
                       content_type="application/json")
        assert stale.status_code == 409, stale.content
        data = stale.json()
        assert data["detail"] == MSG_CONFLICT
        current = data["current"]
        assert current["name"] == "Azure AD" and current["revision"] == 2 and current["id"] == created["id"]
        assert current["url"] == "https://azure.example.test/scim" and current["username"] == "azure-svc"
        assert not {"password", "token", "token_hash"} & set(current)
        assert "Pw-B-9" not in stale.content.decode() and "Pw-azure-1" not in stale.content.decode()
    assert _secret_writes(ss) == [] and _stored(ss, created["id"]) == before
    intents, outcomes = _audit("endpoint.update")
    assert intents == 3 and [o for o, _ in outcomes] == ["success", "failure", "failure"]

    # The right revision succeeds; no revision at all (older clients) still works.
    right = second_admin.put(url, {"name": "Azure B", "url": "https://b.example.test/scim", "username": "b-svc",
                                   "password": "", "permission_mappings": [], "revision": 2},
                             content_type="application/json")
    assert right.status_code == 200 and right.json()["revision"] == 3
    assert ss.state.secrets[created["id"]]["name"] == "Azure B"
    assert ss.state.secret_items(created["id"])["password"] == "Pw-azure-1"
    legacy = admin_client.patch(url, {"username": "legacy-svc"}, content_type="application/json")
    assert legacy.status_code == 200 and legacy.json()["revision"] == 4
    assert ss.state.secret_items(created["id"])["username"] == "legacy-svc"
    intents, outcomes = _audit("endpoint.update")
    assert intents == 5 and [o for o, _ in outcomes] == ["success", "failure", "failure", "success", "success"]


def test_api_regenerate_and_delete_honour_a_revision(admin_client, ss):
    created = _api_create(admin_client)
    url = f"{BASE}{created['id']}/"
    admin_client.patch(url, {"name": "Azure AD"}, content_type="application/json")
    before = _stored(ss, created["id"])
    ss.clear_requests()

    token = admin_client.post(f"{url}token/", {"revision": 1}, content_type="application/json")
    assert token.status_code == 409 and token.json()["current"]["revision"] == 2
    assert "token" not in token.json()["current"]
    deleted = admin_client.delete(f"{url}?revision=1")
    assert deleted.status_code == 409 and deleted.json()["current"]["name"] == "Azure AD"
    assert admin_client.delete(f"{url}?revision=x").status_code == 400
    assert _secret_writes(ss) == [] and _stored(ss, created["id"]) == before
    assert endpoint_token_verify(created["token"]) is not None
    for action in ("endpoint.token_generate", "endpoint.delete"):
        intents, outcomes = _audit(action)
        assert intents == 1 and [o for o, _ in outcomes] == ["failure"], action

    fresh = admin_client.post(f"{url}token/", {"revision": 2}, content_type="application/json")
    assert fresh.status_code == 200 and fresh.json()["revision"] == 3
    assert admin_client.delete(f"{url}?revision=3").status_code == 204


def test_the_schema_documents_revision_and_409(admin_client, connector):
    schema = admin_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()
    components = schema["components"]["schemas"]
    assert "revision" in components["EndpointInput"]["properties"]
    assert "revision" in components["PatchedEndpointInput"]["properties"]
    assert components["EndpointConflict"]["properties"]["current"] == {"$ref": "#/components/schemas/EndpointOutput"}
    assert "revision" in components["EndpointOutput"]["properties"]
    for method in ("put", "patch"):
        assert "409" in schema["paths"]["/api/connector/endpoints/{id}/"][method]["responses"]
    assert "revision" in components["EndpointRevisionInput"]["properties"]
