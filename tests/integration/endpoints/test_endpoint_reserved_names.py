"""The SCIMSecret's and the audit anchor's names belong to the connector: no endpoint may carry them (issue 9)."""
import pytest

from connector.messages import MSG_ENDPOINT_NAME_RESERVED
from connector.models import EndpointMirror

pytestmark = pytest.mark.django_db
BASE = "/api/connector/endpoints/"


def _body(name):
    return {"name": name, "url": "https://azure.example.test/scim", "username": "azure-svc", "password": "Pw-1"}


@pytest.mark.parametrize("name", ["SCIMSecret testhost", "scimsecret other-host", "  SCIMSECRET", "SCIMSecret-copy",
                                  "SCIMAuditAnchor testhost", "scimauditanchor"])
def test_an_endpoint_may_not_take_a_reserved_name(admin_client, ss, name):
    response = admin_client.post(BASE, _body(name), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["name"] == [MSG_ENDPOINT_NAME_RESERVED]
    assert not EndpointMirror.objects.exists()
    assert not any(s["name"].strip().lower() == name.strip().lower() and s["secretTemplateId"] == 9
                   and s["id"] != 1 and "azure" in str(s) for s in ss.state.secrets.values())


def test_an_endpoint_may_not_be_renamed_to_a_reserved_name(admin_client, ss):
    created = admin_client.post(BASE, _body("Azure"), content_type="application/json").json()
    response = admin_client.patch(f"{BASE}{created['id']}/", {"name": "SCIMSecret testhost"},
                                  content_type="application/json")
    assert response.status_code == 400 and response.json()["name"] == [MSG_ENDPOINT_NAME_RESERVED]
    assert ss.state.secrets[created["id"]]["name"] == "Azure"


def test_names_that_merely_contain_the_words_are_fine(admin_client):
    response = admin_client.post(BASE, _body("Okta SCIMSecret sync"), content_type="application/json")
    assert response.status_code == 201
