"""A configured connector on the emulator: SCIM folder + SCIMSecret, admin Owner, Everyone View, approval on."""
import pytest
from django.test import Client

from connector.configuration import ConnectorSettings, SettingsDocument
from connector.crypto import encrypt_secret
from connector.models import ConnectorBootstrap
from connector.secretserver import SecretServerClient
from tests.conftest import DEMO_PASSWORDS

ADMIN_USER_ID, EVERYONE_GROUP_ID, ADMIN_PERSONAL_GROUP_ID = 2, 1, 102


@pytest.fixture
def connector(ss, db, settings):
    """Set the connector up as scim-app would (no dependency on the setup service)."""
    settings.CONNECTOR_ACCESS_RECHECK_SECONDS = 60
    client = SecretServerClient.for_application_account(ss.url, "scim-app", DEMO_PASSWORDS["scim-app"])
    folder = client.create_folder("SCIM testhost")
    stub = client.secret_stub(9, folder.id)
    notes = SettingsDocument(ConnectorSettings(), 0).to_json()
    secret = client.create_secret(stub, name="SCIMSecret testhost", folder_id=folder.id,
                                  fields={"url": ss.url, "username": "scim-app",
                                          "password": DEMO_PASSWORDS["scim-app"], "notes": notes})
    client.create_secret_permission(secret.id, "Owner", user_id=ADMIN_USER_ID)
    client.create_secret_permission(secret.id, "View", group_id=EVERYONE_GROUP_ID)
    client.set_security_approval(secret.id, "RequireEditorsApproval", [ADMIN_PERSONAL_GROUP_ID])
    ConnectorBootstrap.objects.create(secret_server_url=ss.url, allow_http=True, app_username="scim-app",
                                      app_password_encrypted=encrypt_secret(DEMO_PASSWORDS["scim-app"]),
                                      folder_id=folder.id, scim_secret_id=secret.id, hostname="testhost",
                                      configured_by="admin")
    ss.clear_requests()
    return {"secret_id": secret.id, "folder_id": folder.id, "app": client}


@pytest.fixture
def browser():
    return Client(REMOTE_ADDR="10.0.0.5")


def sign_in(browser, username, password=None, **extra):
    data = {"username": username, "password": DEMO_PASSWORDS.get(username, "x") if password is None else password}
    data.update(extra)
    return browser.post("/accounts/login/", data)
