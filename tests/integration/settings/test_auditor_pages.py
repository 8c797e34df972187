"""Auditors vs API (issue 9): auditors read settings and endpoints through the API, so the pages show them too,
read-only; writes stay with administrators on both (before: 200 from the API, 403 on the pages)."""
import pytest
from django.urls import reverse

from connector.services.endpoints import endpoint_create

pytestmark = pytest.mark.django_db
CONFIG = "/settings/configuration/"


@pytest.fixture
def endpoint(configured):
    return endpoint_create(name="Azure", url="https://azure.example.test/scim", username="svc",
                           password="Pw-azure-1").endpoint


def _notes_revision(ss, configured):
    import json
    return json.loads(ss.state.secret_items(configured.secret_id)["notes"])["revision"]


def test_ui_and_api_agree_on_what_an_auditor_may_read(auditor_client, ss, endpoint):
    pairs = [(CONFIG, "/api/connector/settings/"),
             (reverse("connector:endpoint-list"), "/api/connector/endpoints/"),
             (reverse("connector:endpoint-edit", args=[endpoint.ss_secret_id]),
              f"/api/connector/endpoints/{endpoint.ss_secret_id}/")]
    for page, api in pairs:
        assert auditor_client.get(page).status_code == auditor_client.get(api).status_code == 200, page


def test_an_auditor_sees_the_configuration_read_only(auditor_client, ss, configured):
    page = auditor_client.get(CONFIG)
    body = page.content.decode()
    form = page.context["form"]
    assert all(field.disabled for field in form.fields.values())
    main = body.split('<main')[1].split("</main>")[0]
    assert 'method="post"' not in main and ">Save</button>" not in main
    api = auditor_client.get("/api/connector/settings/").json()
    assert form["ui_session_minutes"].value() == api["ui_session_minutes"]
    assert form["revision"].value() == api["revision"]


def test_an_auditor_cannot_change_the_configuration_on_either(auditor_client, ss, configured):
    form = auditor_client.get(CONFIG).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() not in (None, False)}
    data["ui_session_minutes"] = 45
    assert auditor_client.post(CONFIG, data).status_code == 403
    api = auditor_client.patch("/api/connector/settings/", {"ui_session_minutes": 45, "revision": data["revision"]},
                               content_type="application/json")
    assert api.status_code == 403
    assert _notes_revision(ss, configured) == 1


def test_an_auditor_sees_endpoints_read_only(auditor_client, ss, endpoint):
    listing = auditor_client.get(reverse("connector:endpoint-list")).content.decode()
    assert "Azure" in listing
    assert reverse("connector:endpoint-add") not in listing
    assert reverse("connector:endpoint-delete", args=[endpoint.ss_secret_id]) not in listing
    detail = auditor_client.get(reverse("connector:endpoint-edit", args=[endpoint.ss_secret_id]))
    body = detail.content.decode()
    assert all(field.disabled for field in detail.context["form"].fields.values())
    assert reverse("connector:endpoint-token", args=[endpoint.ss_secret_id]) not in body
    assert 'method="post"' not in body.split('id="endpoint-form-title"')[1]
    assert endpoint.token_prefix in body and "Pw-azure-1" not in body


def test_an_auditor_cannot_change_endpoints_on_either(auditor_client, ss, endpoint):
    pk = endpoint.ss_secret_id
    assert auditor_client.post(reverse("connector:endpoint-edit", args=[pk]),
                               {"name": "Hacked", "url": endpoint.url, "username": "svc"}).status_code == 403
    assert auditor_client.post(reverse("connector:endpoint-token", args=[pk])).status_code == 403
    assert auditor_client.get(reverse("connector:endpoint-delete", args=[pk])).status_code == 403
    assert auditor_client.get(reverse("connector:endpoint-add")).status_code == 403
    assert auditor_client.patch(f"/api/connector/endpoints/{pk}/", {"name": "Hacked"},
                                content_type="application/json").status_code == 403
    assert ss.state.secrets[pk]["name"] == "Azure"


def test_the_auditors_menu_offers_the_read_only_settings_pages(auditor_client, ss, configured):
    nav = auditor_client.get("/audit/").content.decode().split('aria-label="Main"')[1].split("</nav>")[0]
    assert reverse("connector:endpoint-list") in nav and CONFIG in nav
    assert reverse("connector:settings-secretserver") not in nav
