"""The Home page's connection status: is the connector configured, does Secret Server answer, which version."""
from __future__ import annotations

from dataclasses import dataclass

from connector.secretserver import SecretServerError
from connector.services.connection import anonymous_client, app_client, bootstrap_get
from connector.services.status_cache import status_cached


@dataclass(frozen=True)
class ConnectorStatus:
    configured: bool
    secret_server_url: str = ""
    app_username: str = ""
    reachable: bool | None = None
    secret_server_version: str = ""
    folder_id: int | None = None
    secret_id: int | None = None


def connector_status() -> ConnectorStatus:
    """``connector_status_fresh``, computed at most once a minute across workers (services/status_cache.py)."""
    return status_cached("home", connector_status_fresh, healthy=lambda s: not s.configured or bool(s.reachable))


def connector_status_fresh() -> ConnectorStatus:
    """Configured? Secret Server reachable (health check) and its version; never raises."""
    bootstrap = bootstrap_get()
    if bootstrap is None or not bootstrap.is_complete:
        return ConnectorStatus(configured=False)
    reachable, version = False, ""
    try:
        with anonymous_client(bootstrap.secret_server_url) as client:
            reachable = client.healthcheck().healthy
        if reachable:
            try:
                version = app_client(bootstrap).version()
            except SecretServerError:
                version = ""
    except SecretServerError:
        reachable = False
    return ConnectorStatus(True, bootstrap.secret_server_url, bootstrap.app_username, reachable, version,
                           bootstrap.folder_id, bootstrap.scim_secret_id)
