"""The SCIMSecret and the folder are the connector's own (issue 9): repair adopts only the real SCIMSecret, and
a deleted SCIMSecret is recovered through the setup form by a Secret Server administrator."""
import pytest
from django.urls import reverse

from connector.configuration import SettingsDocument
from connector.messages import MSG_RECOVER_WITH_SETUP, MSG_SECRET_DELETED
from connector.models import AuditEvent, ConnectorBootstrap
from connector.secretserver import SecretServerClient
from connector.services.setup import setup_status
from tests.conftest import DEMO_PASSWORDS

from .conftest import configure_connector, setup_values

pytestmark = pytest.mark.django_db
SETUP_URL = "/settings/secret-server/"
SECRET = "SCIMSecret testhost"


def _delete(ss, secret_id):
    with ss.state.lock:
        ss.state.secrets[secret_id]["active"] = False


def _impostor(ss, folder_id, name=SECRET):
    """A secret that merely carries the SCIMSecret's name (e.g. an endpoint created before names were
    reserved, or by hand in Secret Server), holding a real password."""
    with SecretServerClient.for_application_account(ss.url, "scim-app", DEMO_PASSWORDS["scim-app"]) as app:
        stub = app.secret_stub(9, folder_id)
        return app.create_secret(stub, name=name, folder_id=folder_id, fields={
            "url": "https://okta.example.test/scim", "username": "okta-svc", "password": "Endpoint-Pw-1",
            "notes": '{"schema": "scim-connector-endpoint", "revision": 1}'}).id


def _shared_with_everyone(ss, secret_id):
    everyone = ss.state.everyone_group()["id"]
    return any(p["secretId"] == secret_id and p["groupId"] == everyone for p in ss.state.secretPermissions.values())


def test_the_repair_never_adopts_an_endpoint_that_carries_the_scimsecret_name(ss):
    first = configure_connector(ss)
    _delete(ss, first.secret_id)
    impostor = _impostor(ss, first.folder_id)
    again = configure_connector(ss)  # what ``configure_secretserver`` (and the form) run
    assert again.secret_id not in (impostor, first.secret_id) and again.secret_created
    assert not _shared_with_everyone(ss, impostor)
    assert ss.state.secrets[impostor]["folderId"] == first.folder_id
    assert ConnectorBootstrap.objects.get().scim_secret_id == again.secret_id
    SettingsDocument.from_json(ss.state.secret_items(again.secret_id)["notes"])


def test_a_secret_with_the_name_outside_the_folder_is_not_pulled_in(ss):
    first = configure_connector(ss)
    _delete(ss, first.secret_id)
    elsewhere = _impostor(ss, None)  # someone's secret at the root, same name
    again = configure_connector(ss)
    assert again.secret_id != elsewhere and ss.state.secrets[elsewhere]["folderId"] in (None, -1)
    assert not _shared_with_everyone(ss, elsewhere)


def test_the_live_scimsecret_is_still_reused(ss):
    first = configure_connector(ss)
    _impostor(ss, first.folder_id)  # a look-alike next to it changes nothing
    again = configure_connector(ss)
    assert again.secret_id == first.secret_id and not again.secret_created


def test_with_the_scimsecret_deleted_an_administrator_recovers_through_the_setup_form(client, ss):
    first = configure_connector(ss)
    _delete(ss, first.secret_id)
    page = client.get(SETUP_URL)  # nobody can sign in as a connector administrator now
    assert page.status_code == 200
    body = page.content.decode()
    assert MSG_SECRET_DELETED in body and MSG_RECOVER_WITH_SETUP in body
    assert "scim-app" not in body and reverse("connector:settings-secretserver-recreate") not in body
    refused = client.post(SETUP_URL, setup_values(ss, admin_username="alice", admin_password=DEMO_PASSWORDS["alice"]))
    assert refused.status_code == 200 and refused.context["form"].errors["admin_username"]
    assert ConnectorBootstrap.objects.get().scim_secret_id == first.secret_id
    done = client.post(SETUP_URL, setup_values(ss))
    assert done.status_code == 302
    bootstrap = ConnectorBootstrap.objects.get()
    assert bootstrap.scim_secret_id != first.secret_id and setup_status().problem == ""
    row = AuditEvent.objects.filter(action="setup.configure", outcome="success").latest("seq")
    assert row.after["secret_id"] == bootstrap.scim_secret_id and row.after["secret_created"]
    # back to normal: the page is for connector administrators again
    assert client.get(SETUP_URL).status_code == 302


def test_visitors_cost_secret_server_at_most_one_status_check_per_15_seconds(client, ss):
    configure_connector(ss)
    ss.clear_requests()
    for _ in range(5):
        assert client.get(SETUP_URL).status_code == 302  # nothing to recover: to sign-in
    status_reads = [r for r in ss.requests if r.path.lower().startswith(("/api/v1/folders", "/api/v1/secrets"))]
    assert len(status_reads) == 2  # one status check: the folder and the secret
