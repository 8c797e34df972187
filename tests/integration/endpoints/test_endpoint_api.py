"""REST API for endpoints: same services as the pages, DRF status codes, token only in the response that made it."""
import pytest

from connector.models import AuditEvent, EndpointMirror
from connector.services.endpoint_tokens import endpoint_token_verify

pytestmark = pytest.mark.django_db
BASE = "/api/connector/endpoints/"


def _body(**changes):
    data = {"name": "Azure", "url": "https://azure.example.test/scim", "username": "azure-svc",
            "password": "Pw-azure-1", "permission_mappings": [{"type": "Container", "value": "admin",
                                                                "role": "Owner"}]}
    data.update(changes)
    return data


def _create(client, **changes):
    response = client.post(BASE, _body(**changes), content_type="application/json")
    assert response.status_code == 201, response.content
    return response


def test_create_returns_201_with_the_token_once(admin_client, ss):
    response = _create(admin_client)
    data = response.json()
    assert "no-store" in response["Cache-Control"]
    assert data["name"] == "Azure" and "password" not in data and data["token"].startswith("scim_")
    assert endpoint_token_verify(data["token"]).ss_secret_id == data["id"]
    assert ss.state.secret_items(data["id"])["password"] == "Pw-azure-1"
    listed = admin_client.get(BASE).json()
    assert [e["name"] for e in listed] == ["Azure"] and "token" not in listed[0]
    read = admin_client.get(f"{BASE}{data['id']}/").json()
    assert read["permission_mappings"] == [{"type": "Container", "value": "admin", "role": "Owner"}]
    assert "token" not in read and "password" not in read and read["token_prefix"] == data["token_prefix"]


def test_field_errors_come_back_as_400(admin_client):
    _create(admin_client)
    response = admin_client.post(BASE, _body(name="AZURE", url="http://azure.example.test", username="",
                                             password=""), content_type="application/json")
    assert response.status_code == 400
    errors = response.json()
    assert errors["name"] == ["Endpoint name already exists and must be unique."]
    assert errors["url"] == ["URL must be https."]
    assert errors["username"] == ["Username required."] and errors["password"] == ["Password required."]
    bad_role = admin_client.post(BASE, _body(name="Other", permission_mappings=[
        {"type": "PrivilegedData", "value": "admin", "role": "Add Secret"}]), content_type="application/json")
    assert bad_role.status_code == 400 and "permission_mappings" in bad_role.json()
    assert EndpointMirror.objects.count() == 1


def test_put_patch_regenerate_and_delete(admin_client, ss):
    created = _create(admin_client).json()
    url = f"{BASE}{created['id']}/"
    put = admin_client.put(url, _body(name="Azure AD", password=""), content_type="application/json")
    assert put.status_code == 200 and put.json()["name"] == "Azure AD" and "token" not in put.json()
    assert ss.state.secret_items(created["id"])["password"] == "Pw-azure-1"
    patch = admin_client.patch(url, {"password": "Pw-azure-2"}, content_type="application/json")
    assert patch.status_code == 200 and patch.json()["username"] == "azure-svc"
    assert ss.state.secret_items(created["id"])["password"] == "Pw-azure-2"
    regenerated = admin_client.post(f"{url}token/")
    assert regenerated.status_code == 200 and "no-store" in regenerated["Cache-Control"]
    new_token = regenerated.json()["token"]
    assert endpoint_token_verify(created["token"]) is None and endpoint_token_verify(new_token) is not None
    deleted = admin_client.delete(url)
    assert deleted.status_code == 204
    assert endpoint_token_verify(new_token) is None
    assert admin_client.get(url).status_code == 404
    assert admin_client.get(BASE).json() == []
    outcomes = list(AuditEvent.objects.exclude(outcome="intent").order_by("seq").values_list("action", "outcome"))
    assert outcomes == [("endpoint.create", "success"), ("endpoint.update", "success"),
                        ("endpoint.update", "success"), ("endpoint.token_generate", "success"),
                        ("endpoint.delete", "success")]


def test_anonymous_gets_401_and_auditors_may_only_read(client, connector):
    assert client.get(BASE).status_code == 401
    assert client.post(BASE, _body(), content_type="application/json").status_code == 401
    from tests.helpers import sign_in_as

    sign_in_as(client, "auditor1", "auditor", ss_user_id=77)
    assert client.get(BASE).status_code == 200
    assert client.post(BASE, _body(), content_type="application/json").status_code == 403
    assert client.post(f"{BASE}5/token/").status_code == 403
    assert client.delete(f"{BASE}5/").status_code == 403
    assert not EndpointMirror.objects.exists() and not AuditEvent.objects.filter(action__startswith="endpoint").exists()


def test_unknown_ids_are_404(admin_client, connector):
    assert admin_client.get(f"{BASE}999999/").status_code == 404
    assert admin_client.get(f"{BASE}{connector.scim_secret_id}/").status_code == 404
    assert admin_client.post(f"{BASE}999999/token/").status_code == 404


def test_the_endpoints_are_in_the_schema(admin_client, connector):
    schema = admin_client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for operation in ("endpoints_list", "endpoints_create", "endpoints_retrieve", "endpoints_update",
                      "endpoints_partial_update", "endpoints_destroy", "endpoints_token_regenerate"):
        assert operation in schema
