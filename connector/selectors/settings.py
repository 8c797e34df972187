"""Reads for the Home and About pages: connector status and what the SCIM side supports."""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from connector.configuration import ConnectorSettings
from connector.secretserver import SecretServerError
from connector.services.configuration_service import settings_current
from connector.services.connection import anonymous_client, app_client, bootstrap_get

SCIM_VERSION = "2.0"


def connector_version() -> str:
    return str(settings.SPECTACULAR_SETTINGS.get("VERSION", "0.0.0"))


def scim_features(current: ConnectorSettings) -> list[tuple[str, str]]:
    """What we tell identity providers (ServiceProviderConfig), said plainly. Keep in step with the SCIM API."""
    return [
        ("Bulk", f"supported: at most {current.bulk_max_operations} operations and "
                 f"{current.bulk_max_payload} bytes per request"),
        ("Filter", "supported for userName and displayName equality (eq)"),
        ("Patch", "supported"),
        ("Sort", "not supported"),
        ("ETag", "not supported"),
        ("Change password", "not supported (passwords are managed in Secret Server)"),
        ("Authentication", "bearer token per endpoint"),
    ]


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


def connector_settings_for_pages() -> ConnectorSettings:
    return settings_current()
