"""A configured connector with one SCIM endpoint, the emulator behind it over real HTTP.

``scim`` sends SCIM requests through the whole middleware stack (CSRF enforced, no session) with the
endpoint's bearer token; ``ss_admin`` reads Secret Server's own API as ``admin`` to check the source of
truth; ``ss.requests`` (the emulator's request log) pins how many Secret Server calls a SCIM request made.
"""
from __future__ import annotations

import json

import pytest
from django.core.cache import caches
from django.test import Client

from connector.configuration import ConnectorSettings, SettingsDocument
from connector.crypto import encrypt_secret
from connector.models import ConnectorBootstrap
from connector.secretserver import SecretServerClient
from scim.services.cache import lists_clear_local
from scim.services.gateway import bootstrap_forget

APP_USER, APP_PASSWORD = "scim-app", "App-Passw0rd!"
ADMIN_USER, ADMIN_PASSWORD = "admin", "Admin-Passw0rd!"
HOSTNAME = "scimhost"
SCIM_JSON = "application/scim+json"
PATCH_SCHEMA = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
USER_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:User"
GROUP_SCHEMA = "urn:ietf:params:scim:schemas:core:2.0:Group"


@pytest.fixture
def ss_app(ss):
    return SecretServerClient.for_application_account(ss.url, APP_USER, APP_PASSWORD)


@pytest.fixture
def ss_admin(ss):
    return SecretServerClient.for_application_account(ss.url, ADMIN_USER, ADMIN_PASSWORD)


@pytest.fixture
def connector(ss, ss_app, db, settings):
    settings.CONNECTOR_HOSTNAME = HOSTNAME
    settings.CONNECTOR_LOG_DIR = ""
    folder = ss_app.create_folder(f"SCIM {HOSTNAME}")
    stub = ss_app.secret_stub(9, folder.id)
    scim_secret = ss_app.create_secret(stub, name=f"SCIMSecret {HOSTNAME}", folder_id=folder.id, fields={
        "url": ss.url, "username": APP_USER, "password": APP_PASSWORD,
        "notes": SettingsDocument(ConnectorSettings(allow_http_endpoints=True), 0).to_json()})
    lists_clear_local()
    bootstrap_forget()
    yield ConnectorBootstrap.objects.create(
        secret_server_url=ss.url, allow_http=True, app_username=APP_USER,
        app_password_encrypted=encrypt_secret(APP_PASSWORD), folder_id=folder.id,
        scim_secret_id=scim_secret.id, hostname=HOSTNAME, configured_by="admin")
    lists_clear_local()
    bootstrap_forget()


@pytest.fixture
def set_settings(connector, ss_app):
    """Write connector settings into the SCIMSecret's notes (and drop any cached copy)."""
    def apply(**changes):
        from connector.services.configuration_service import settings_document_read
        current = settings_document_read(ss_app, connector)
        ss_app.update_secret_field(connector.scim_secret_id, "notes", SettingsDocument(
            current.settings.with_changes(**changes), current.revision + 1).to_json())
        caches["default"].clear()
    return apply


@pytest.fixture
def endpoint(ss, connector):
    from connector.services.endpoints import endpoint_create

    return endpoint_create(name="Okta production", url=ss.url, username=APP_USER, password=APP_PASSWORD)


class ScimClient:
    def __init__(self, token: str | None):
        self.client = Client(enforce_csrf_checks=True)
        self.token = token

    def request(self, method: str, path: str, body=None, *, token: str | None = "default", headers=None,
                raw: bytes | None = None, content_type: str = SCIM_JSON):
        extra = dict(headers or {})
        token = self.token if token == "default" else token
        if token:
            extra["Authorization"] = f"Bearer {token}"
        data = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
        response = self.client.generic(method, path, data=data, content_type=content_type, headers=extra)
        try:
            response.json_body = json.loads(response.content) if response.content else None
        except ValueError:
            response.json_body = None
        return response

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, body=None, **kw):
        return self.request("POST", path, body, **kw)

    def put(self, path, body=None, **kw):
        return self.request("PUT", path, body, **kw)

    def patch(self, path, operations, **kw):
        return self.request("PATCH", path, {"schemas": [PATCH_SCHEMA], "Operations": operations}, **kw)

    def delete(self, path, **kw):
        return self.request("DELETE", path, **kw)


@pytest.fixture
def scim(endpoint):
    return ScimClient(endpoint.token.value)


def ss_calls(ss) -> list[str]:
    """Secret Server API calls the emulator received since its request log was last cleared (token calls too)."""
    return [f"{r.method} {r.path}" for r in ss.requests if not r.path.startswith("/_emulator")]


@pytest.fixture
def admin_client(client, connector):
    from tests.helpers import sign_in_as

    sign_in_as(client, "admin", "administrator")
    return client
