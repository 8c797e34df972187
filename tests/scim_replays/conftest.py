"""A configured connector with one SCIM endpoint, the emulator behind it over real HTTP, and a SCIM sender.

The connector is set up the way an administrator leaves it: the application account's folder and
SCIMSecret in Secret Server, the bootstrap record, then an endpoint created through the endpoint service
(so its bearer token is a real one, checked by the SCIM service like any identity provider's).
"""
from __future__ import annotations

import pytest
from django.test import Client

from connector.configuration import ConnectorSettings, SettingsDocument
from connector.crypto import encrypt_secret
from connector.models import ConnectorBootstrap
from connector.secretserver import SecretServerClient
from scim.services.cache import lists_clear_local
from tests.scim_replays.replay import Response, SecretServerProbe

APP_USER, APP_PASSWORD = "scim-app", "App-Passw0rd!"
ADMIN_USER, ADMIN_PASSWORD = "admin", "Admin-Passw0rd!"
HOSTNAME = "replayhost"


@pytest.fixture
def configured_connector(ss, db, settings):
    settings.CONNECTOR_HOSTNAME = HOSTNAME
    app = SecretServerClient.for_application_account(ss.url, APP_USER, APP_PASSWORD)
    folder = app.create_folder(f"SCIM {HOSTNAME}")
    stub = app.secret_stub(9, folder.id)
    scim_secret = app.create_secret(stub, name=f"SCIMSecret {HOSTNAME}", folder_id=folder.id, fields={
        "url": ss.url, "username": APP_USER, "password": APP_PASSWORD,
        "notes": SettingsDocument(ConnectorSettings(allow_http_endpoints=True), 0).to_json()})
    lists_clear_local()  # the emulator was reset: ids repeat, so no list cached by an earlier test may survive
    yield ConnectorBootstrap.objects.create(
        secret_server_url=ss.url, allow_http=True, app_username=APP_USER,
        app_password_encrypted=encrypt_secret(APP_PASSWORD), folder_id=folder.id,
        scim_secret_id=scim_secret.id, hostname=HOSTNAME, configured_by="admin")
    lists_clear_local()


@pytest.fixture
def scim_token(ss, configured_connector):
    """A bearer token of a freshly created endpoint whose Secret Server account is the application account."""
    from connector.services.endpoints import endpoint_create

    result = endpoint_create(name="Identity provider replay", url=ss.url, username=APP_USER, password=APP_PASSWORD)
    return result.token.value


@pytest.fixture
def scim_send():
    """Send one request to the connector in process (the whole middleware stack, CSRF enforced)."""
    client = Client(enforce_csrf_checks=True)

    def send(method: str, url: str, headers: dict[str, str], body: bytes | None) -> Response:
        extra = {k: v for k, v in headers.items() if k.lower() != "content-type"}
        content_type = headers.get("Content-Type", "application/octet-stream")
        response = client.generic(method, url, data=body or b"", content_type=content_type, headers=extra)
        content = b"".join(response.streaming_content) if response.streaming else response.content
        return Response(response.status_code, {k.lower(): v for k, v in response.headers.items()},
                        content.decode("utf-8", errors="replace"))

    return send


@pytest.fixture
def secret_server_probe(ss):
    return SecretServerProbe(ss.url, ADMIN_USER, ADMIN_PASSWORD)
