"""How the connector reaches Secret Server: the bootstrap record, the clients, the SCIMSecret's names.

Every other service gets its Secret Server client from here, so the application account's password is
decrypted in one place and never travels further than the client's token provider.
"""
from __future__ import annotations

import threading

from django.conf import settings

from connector.crypto import decrypt_secret
from connector.errors import NotConfigured
from connector.messages import MSG_NOT_CONFIGURED
from connector.models import ConnectorBootstrap
from connector.secretserver import SecretServerClient

NOT_CONFIGURED_MESSAGE = MSG_NOT_CONFIGURED
WEB_PASSWORD_TEMPLATE_ID = 9


class ConnectorNotConfigured(NotConfigured):
    """No bootstrap record yet (or it is incomplete): every page leads to setup (API: 503)."""


def connector_hostname() -> str:
    return settings.CONNECTOR_HOSTNAME


def scim_folder_name(hostname: str | None = None) -> str:
    return f"SCIM {hostname or connector_hostname()}"


def scim_secret_name(hostname: str | None = None) -> str:
    return f"SCIMSecret {hostname or connector_hostname()}"


def audit_anchor_secret_name(hostname: str | None = None) -> str:
    """The secret in the SCIM folder that holds the audit chain's published head (not an endpoint)."""
    return f"SCIMAuditAnchor {hostname or connector_hostname()}"


def is_connector_secret(summary, bootstrap: ConnectorBootstrap) -> bool:
    """True for the connector's own secrets in the SCIM folder (SCIMSecret, audit anchor): never endpoints."""
    return summary.id == bootstrap.scim_secret_id or summary.name == audit_anchor_secret_name(
        bootstrap.hostname or None)


def bootstrap_get() -> ConnectorBootstrap | None:
    return ConnectorBootstrap.objects.filter(singleton=1).first()


def bootstrap_require() -> ConnectorBootstrap:
    """The complete bootstrap record, or ConnectorNotConfigured."""
    bootstrap = bootstrap_get()
    if bootstrap is None or not bootstrap.is_complete:
        raise ConnectorNotConfigured()
    return bootstrap


def connector_is_configured() -> bool:
    bootstrap = bootstrap_get()
    return bool(bootstrap and bootstrap.is_complete)


_per_thread = threading.local()


def app_client(bootstrap: ConnectorBootstrap | None = None) -> SecretServerClient:
    """A client acting as the application account; its token is shared by every worker through the cache.

    Each thread keeps one such client (and so its kept-alive HTTPS connections) for as long as the bootstrap
    record and the SECRET_SERVER_* settings stay the same, instead of a new connection per call site and
    request; requests.Session is not shared across threads.
    """
    bootstrap = bootstrap or bootstrap_get()
    if bootstrap is None:
        raise ConnectorNotConfigured()
    key = (bootstrap.secret_server_url, bootstrap.app_username, bootstrap.app_domain,
           bootstrap.app_password_encrypted, settings.SECRET_SERVER_TIMEOUT, settings.SECRET_SERVER_VERIFY_TLS,
           settings.SECRET_SERVER_RETRIES, settings.SECRET_SERVER_MAX_RESPONSE_BYTES)
    cached = getattr(_per_thread, "app_client", None)
    if cached is not None and cached[0] == key:
        return cached[1]
    if cached is not None:
        cached[1].close()
    client = SecretServerClient.for_application_account(
        bootstrap.secret_server_url,
        bootstrap.app_username,
        decrypt_secret(bootstrap.app_password_encrypted),
        bootstrap.app_domain or None,
    )
    _per_thread.app_client = (key, client)
    return client


def secret_server_url() -> str:
    """The configured Secret Server URL, or the SECRET_SERVER_URL setting before setup."""
    bootstrap = bootstrap_get()
    return bootstrap.secret_server_url if bootstrap else settings.SECRET_SERVER_URL


def anonymous_client(url: str | None = None) -> SecretServerClient:
    """For the health check and a person's password grant."""
    return SecretServerClient(url or secret_server_url())


def person_client(access_token: str, url: str | None = None) -> SecretServerClient:
    """A client acting as one person, with their own token; never cached."""
    return SecretServerClient(url or secret_server_url(), access_token=access_token)
