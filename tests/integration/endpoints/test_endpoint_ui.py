"""Endpoint pages over real HTTP to the emulator: what the admin sees is what Secret Server holds."""
import json
import re

import pytest
from django.urls import reverse

from connector.models import AuditEvent, EndpointMirror
from connector.services.endpoint_tokens import TOKEN_PATTERN_FOR_SCANNERS, endpoint_token_verify

pytestmark = pytest.mark.django_db


def _form(name="Okta", url="https://idp.example.test/scim/v2", username="okta-svc", password="Pw-1-okta",
          mappings=()):
    data = {"name": name, "url": url, "username": username, "password": password,
            "mappings-TOTAL_FORMS": str(len(mappings) + 1), "mappings-INITIAL_FORMS": "0",
            "mappings-MIN_NUM_FORMS": "0", "mappings-MAX_NUM_FORMS": "1000"}
    for n, (kind, value, role) in enumerate(mappings):
        data.update({f"mappings-{n}-type": kind, f"mappings-{n}-value": value, f"mappings-{n}-role": role})
    return data


def _token_in(response) -> str:
    found = re.findall(TOKEN_PATTERN_FOR_SCANNERS, response.content.decode())
    assert len(found) == 1, found
    return found[0]


def _outcomes(action):
    return list(AuditEvent.objects.filter(action=action).exclude(outcome="intent").order_by("seq").values_list("outcome", flat=True))


def test_the_list_is_empty_at_first_and_offers_to_add(admin_client):
    response = admin_client.get(reverse("connector:endpoint-list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "No endpoints yet" in body and reverse("connector:endpoint-add") in body and "data-busy" in body


def test_adding_an_endpoint_keeps_the_form_open_with_the_token_once(admin_client, ss, connector):
    response = admin_client.post(reverse("connector:endpoint-add"),
                                 _form(mappings=[("Container", "admin", "Owner"), ("PrivilegedData", "ops", "Edit")]),
                                 follow=True)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    body = response.content.decode()
    token = _token_in(response)
    assert 'data-copy-target="#endpoint-token"' in body and "will not be shown again" in body
    mirror = EndpointMirror.objects.get()
    assert endpoint_token_verify(token) == mirror
    # Secret Server holds exactly what the form showed.
    items = ss.state.secret_items(mirror.ss_secret_id)
    assert items["url"] == "https://idp.example.test/scim/v2" and items["username"] == "okta-svc"
    assert items["password"] == "Pw-1-okta"
    notes = json.loads(items["notes"])
    assert notes["schema"] == "scim-connector-endpoint" and notes["tokenId"] == mirror.token_id
    assert notes["tokenHash"] == mirror.token_hash and token not in items["notes"]
    assert notes["permissionMappings"] == [{"type": "Container", "value": "admin", "role": "Owner"},
                                           {"type": "PrivilegedData", "value": "ops", "role": "Edit"}]
    assert ss.state.secrets[mirror.ss_secret_id]["name"] == "Okta"
    assert ss.state.secrets[mirror.ss_secret_id]["folderId"] == connector.folder_id
    assert _outcomes("endpoint.create") == ["success"]
    # The list shows it; the token is not on it.
    listing = admin_client.get(reverse("connector:endpoint-list")).content.decode()
    assert "Okta" in listing and "okta-svc" in listing and token not in listing


def test_editing_with_a_blank_password_keeps_it(admin_client, ss):
    admin_client.post(reverse("connector:endpoint-add"), _form())
    mirror = EndpointMirror.objects.get()
    token_hash = mirror.token_hash
    edit_url = reverse("connector:endpoint-edit", args=[mirror.ss_secret_id])
    page = admin_client.get(edit_url)
    assert page.status_code == 200 and "Pw-1-okta" not in page.content.decode()
    response = admin_client.post(edit_url, _form(name="Okta EU", url="https://eu.example.test/scim",
                                                 username="eu-svc", password=""))
    assert response.status_code == 302 and response["Location"] == reverse("connector:endpoint-list")
    items = ss.state.secret_items(mirror.ss_secret_id)
    assert items["password"] == "Pw-1-okta" and items["url"] == "https://eu.example.test/scim"
    assert ss.state.secrets[mirror.ss_secret_id]["name"] == "Okta EU"
    mirror.refresh_from_db()
    assert (mirror.name, mirror.username, mirror.token_hash) == ("Okta EU", "eu-svc", token_hash)
    admin_client.post(edit_url, _form(name="Okta EU", url="https://eu.example.test/scim", username="eu-svc",
                                      password="Pw-2-new"))
    assert ss.state.secret_items(mirror.ss_secret_id)["password"] == "Pw-2-new"
    assert _outcomes("endpoint.update") == ["success", "success"]


def test_names_are_unique_case_insensitively(admin_client):
    admin_client.post(reverse("connector:endpoint-add"), _form(name="Okta"))
    response = admin_client.post(reverse("connector:endpoint-add"), _form(name="  oKTA "))
    assert response.status_code == 400
    assert "Endpoint name already exists and must be unique." in response.content.decode()
    assert EndpointMirror.objects.count() == 1
    assert _outcomes("endpoint.create") == ["success", "failure"]


@pytest.mark.parametrize("data, field_message", [
    (_form(name=""), "Endpoint name is required."),
    (_form(username=""), "Username required."),
    (_form(password=""), "Password required."),
    (_form(url="not a url"), "The provided URL is invalid."),
    (_form(url="ftp://idp.example.test/"), "The provided URL is invalid."),
    (_form(url="http://idp.example.test/scim"), "URL must be https."),
])
def test_field_rules_use_the_product_wording(admin_client, data, field_message):
    response = admin_client.post(reverse("connector:endpoint-add"), data)
    assert response.status_code == 400
    assert field_message in response.content.decode()
    assert not EndpointMirror.objects.exists()


def test_http_urls_are_allowed_when_the_setting_is_on(admin_client, set_settings):
    set_settings(allow_http_endpoints=True)
    response = admin_client.post(reverse("connector:endpoint-add"), _form(url="http://idp.example.test/scim"))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert EndpointMirror.objects.get().url == "http://idp.example.test/scim"
    set_settings(allow_http_endpoints=False)
    mirror = EndpointMirror.objects.get()
    response = admin_client.post(reverse("connector:endpoint-edit", args=[mirror.ss_secret_id]),
                                 _form(url="http://idp.example.test/other", password=""))
    assert "URL must be https." in response.content.decode()


def test_token_lifetime_comes_from_the_settings(admin_client, set_settings):
    set_settings(endpoint_token_days=3)
    admin_client.post(reverse("connector:endpoint-add"), _form())
    mirror = EndpointMirror.objects.get()
    assert (mirror.token_expires_at - mirror.token_issued_at).days == 3
    set_settings(endpoint_token_days=900)  # issued tokens keep their lifetime
    admin_client.post(reverse("connector:endpoint-edit", args=[mirror.ss_secret_id]), _form(password=""))
    mirror.refresh_from_db()
    assert (mirror.token_expires_at - mirror.token_issued_at).days == 3


def test_regenerating_shows_a_new_token_and_kills_the_old_one(admin_client, ss):
    old = _token_in(admin_client.post(reverse("connector:endpoint-add"), _form(), follow=True))
    mirror = EndpointMirror.objects.get()
    edit_page = admin_client.get(reverse("connector:endpoint-edit", args=[mirror.ss_secret_id])).content.decode()
    assert "data-confirm" in edit_page and reverse("connector:endpoint-token", args=[mirror.ss_secret_id]) in edit_page
    assert admin_client.get(reverse("connector:endpoint-token", args=[mirror.ss_secret_id])).status_code == 405
    response = admin_client.post(reverse("connector:endpoint-token", args=[mirror.ss_secret_id]), follow=True)
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    new = _token_in(response)
    assert new != old
    assert endpoint_token_verify(old) is None
    assert endpoint_token_verify(new).ss_secret_id == mirror.ss_secret_id
    notes = json.loads(ss.state.secret_items(mirror.ss_secret_id)["notes"])
    assert notes["tokenHash"] == EndpointMirror.objects.get().token_hash and notes["revision"] == 2
    assert _outcomes("endpoint.token_generate") == ["success"]


def test_reloading_after_generate_token_resubmits_nothing_and_the_token_is_shown_once(admin_client, ss):
    """F5 after "Generate token" used to post again: a false conflict and a failed audit row."""
    admin_client.post(reverse("connector:endpoint-add"), _form())
    mirror = EndpointMirror.objects.get()
    edit_url = reverse("connector:endpoint-edit", args=[mirror.ss_secret_id])
    posted = admin_client.post(reverse("connector:endpoint-token", args=[mirror.ss_secret_id]),
                               {"revision": "1"})
    assert posted.status_code == 302 and posted["Location"] == edit_url  # redirect after POST
    shown = admin_client.get(edit_url)
    token = _token_in(shown)
    assert "no-store" in shown["Cache-Control"] and endpoint_token_verify(token) is not None
    assert "New token generated" in shown.content.decode()
    reloaded = admin_client.get(edit_url)  # F5 reloads the GET: the token is gone, nothing is posted
    assert reloaded.status_code == 200 and token not in reloaded.content.decode()
    assert "will not be shown again" not in reloaded.content.decode()
    assert _outcomes("endpoint.token_generate") == ["success"]
    assert not AuditEvent.objects.filter(outcome="failure").exists()
    from django.contrib.sessions.models import Session
    assert all(token not in str(s.get_decoded()) for s in Session.objects.all())  # never stored in plaintext


def test_deleting_deactivates_the_secret_and_the_token(admin_client, ss):
    token = _token_in(admin_client.post(reverse("connector:endpoint-add"), _form(), follow=True))
    mirror = EndpointMirror.objects.get()
    delete_url = reverse("connector:endpoint-delete", args=[mirror.ss_secret_id])
    confirm = admin_client.get(delete_url)
    assert confirm.status_code == 200 and "Delete endpoint" in confirm.content.decode()
    response = admin_client.post(delete_url)
    assert response.status_code == 302
    assert ss.state.secrets[mirror.ss_secret_id]["active"] is False
    mirror.refresh_from_db()
    assert not mirror.active and not mirror.token_hash
    assert endpoint_token_verify(token) is None
    assert "No endpoints yet" in admin_client.get(reverse("connector:endpoint-list")).content.decode()
    assert admin_client.get(reverse("connector:endpoint-edit", args=[mirror.ss_secret_id])).status_code == 404
    assert _outcomes("endpoint.delete") == ["success"]


def test_the_scim_secret_is_not_an_endpoint(admin_client, connector):
    assert admin_client.get(reverse("connector:endpoint-edit", args=[connector.scim_secret_id])).status_code == 404
    assert admin_client.post(reverse("connector:endpoint-delete", args=[connector.scim_secret_id])).status_code == 404


def test_only_administrators_may_open_the_pages(client, connector):
    from tests.helpers import sign_in_as

    assert client.get(reverse("connector:endpoint-list")).status_code == 302  # to sign-in
    sign_in_as(client, "auditor1", "auditor")
    assert client.get(reverse("connector:endpoint-list")).status_code == 403
    assert client.post(reverse("connector:endpoint-add"), _form()).status_code == 403
    assert not EndpointMirror.objects.exists()
