"""How the connector reaches Secret Server: the bootstrap record, the clients, the SCIMSecret's names.

Every other service gets its Secret Server client from here, so the application account's password is
decrypted in one place and never travels further than the client's token provider.
"""
from __future__ import annotations

import copy
import threading

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from connector.crypto import decrypt_secret
from connector.errors import NotConfigured
from connector.messages import MSG_NOT_CONFIGURED
from connector.models import ConnectorBootstrap
from connector.secretserver import SecretServerClient
from connector.services.shared_versions import BOOTSTRAP_VERSION_KEY, shared_version, version_bump

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


# The shared token lives in connector/services/shared_versions.py (read once per request with the others).
_bootstrap_memo: tuple[str, ConnectorBootstrap | None] | None = None  # (version, record) of this process


def bootstrap_get() -> ConnectorBootstrap | None:
    """The bootstrap record (a copy: callers may change and save it), read from the database only when changed.

    Every page needs it (setup redirect, clients), so each process keeps the last record it read together with
    the version token in the shared cache; a save or delete anywhere puts a new token there (see
    ``bootstrap_cache_invalidate``), so every worker re-reads on its next request. Inside a transaction the
    database is read directly: a record seen there may yet be rolled back.
    """
    global _bootstrap_memo
    if transaction.get_connection().in_atomic_block:
        return ConnectorBootstrap.objects.filter(singleton=1).first()
    version = bootstrap_version()
    memo = _bootstrap_memo
    if memo is None or memo[0] != version:
        memo = (version, ConnectorBootstrap.objects.filter(singleton=1).first())
        _bootstrap_memo = memo
    return copy.copy(memo[1])


def bootstrap_version() -> str:
    """The shared token that changes whenever the bootstrap record does (keys derived caches too)."""
    return shared_version(BOOTSTRAP_VERSION_KEY)


def bootstrap_cache_invalidate(**_signal_kwargs) -> None:
    """Every worker re-reads the bootstrap record on its next request (now and again after commit)."""
    global _bootstrap_memo
    _bootstrap_memo = None
    version_bump(BOOTSTRAP_VERSION_KEY)
    transaction.on_commit(lambda: version_bump(BOOTSTRAP_VERSION_KEY))


def bootstrap_cache_connect() -> None:
    """Called once from ``ConnectorConfig.ready``: any save/delete of the record (and a flush) invalidates."""
    from django.db.models.signals import post_delete, post_migrate, post_save

    post_save.connect(bootstrap_cache_invalidate, sender=ConnectorBootstrap, dispatch_uid="bootstrap-cache-save")
    post_delete.connect(bootstrap_cache_invalidate, sender=ConnectorBootstrap, dispatch_uid="bootstrap-cache-del")
    post_migrate.connect(bootstrap_cache_invalidate, dispatch_uid="bootstrap-cache-flush")


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
