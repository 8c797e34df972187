"""A configured connector for endpoint tests, built directly (no dependency on the setup service).

As scim-app: root folder "SCIM testhost", secret "SCIMSecret testhost" (template 9, notes = default
settings), then the ConnectorBootstrap row pointing at them.
"""
import secrets

import pytest
from django.core.cache import caches

from connector.configuration import ConnectorSettings, SettingsDocument
from connector.crypto import encrypt_secret
from connector.models import ConnectorBootstrap
from connector.secretserver import SecretServerClient
from tests.helpers import sign_in_as

APP_USER, APP_PASSWORD = "scim-app", "App-Passw0rd!"


@pytest.fixture
def ss_app(ss):
    return SecretServerClient.for_application_account(ss.url, APP_USER, APP_PASSWORD)


@pytest.fixture
def connector(ss, ss_app, db, settings):
    settings.CONNECTOR_HOSTNAME = "testhost"
    folder = ss_app.create_folder("SCIM testhost")
    stub = ss_app.secret_stub(9, folder.id)
    scim_secret = ss_app.create_secret(stub, name="SCIMSecret testhost", folder_id=folder.id, fields={
        "url": ss.url, "username": APP_USER, "password": APP_PASSWORD,
        "notes": SettingsDocument(ConnectorSettings(), 0).to_json()})
    # the signed-in "admin" (user 2) administers the connector in Secret Server too: writes re-check it there
    ss_app.create_secret_permission(scim_secret.id, "Owner", user_id=2)
    bootstrap = ConnectorBootstrap.objects.create(
        secret_server_url=ss.url, allow_http=True, app_username=APP_USER,
        app_password_encrypted=encrypt_secret(APP_PASSWORD), folder_id=folder.id, scim_secret_id=scim_secret.id,
        hostname="testhost", configured_by="admin")
    return bootstrap


@pytest.fixture
def set_settings(connector, ss_app):
    """Write connector settings into the SCIMSecret's notes (and drop any cached copy)."""
    def apply(**changes):
        ss_app.update_secret_field(connector.scim_secret_id, "notes",
                                   SettingsDocument(ConnectorSettings().with_changes(**changes), 1).to_json())
        caches["default"].clear()
    return apply


@pytest.fixture
def admin_client(client, connector):
    sign_in_as(client, "admin", "administrator")
    return client


@pytest.fixture
def auditor_client(client, connector):
    sign_in_as(client, "auditor1", "auditor", ss_user_id=77)
    return client


@pytest.fixture
def canary():
    """Unique values that must never be stored or logged: check with assert_no_canary."""
    return {"password": f"Canary-Pw-{secrets.token_hex(8)}"}
