"""Reads for the Home and About pages: connector status and what the SCIM side supports."""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from connector import logfiles
from connector.configuration import ConnectorSettings
from connector.secretserver import SecretServerError
from connector.services.configuration_service import settings_current
from connector.services.connection import anonymous_client, app_client, bootstrap_get
from connector.services.status_cache import status_cached

SCIM_VERSION = "2.0"


def connector_version() -> str:
    return str(settings.SPECTACULAR_SETTINGS.get("VERSION", "0.0.0"))


def scim_features(current: ConnectorSettings) -> list[tuple[str, str]]:
    """What the SCIM side offers today, said plainly (no claim that no code backs).

    The SCIM protocol endpoints (/Users, /Groups, /Bulk) are not served yet; what exists is the
    per-endpoint bearer token and its verification, and the limits that the SCIM service will enforce.
    """
    return [
        ("SCIM protocol endpoints", "not served yet by this version (Users, Groups, Bulk are planned)"),
        ("Endpoint authentication", "bearer token per endpoint (verified in constant time; revocable at once)"),
        ("Bulk limits (configured)", f"{current.bulk_max_operations} operations, {current.bulk_max_payload} bytes"),
        ("Change password", "not supported (passwords are managed in Secret Server)"),
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


@dataclass(frozen=True)
class LogFileStatus:
    """Where the log files go (connector/logfiles.py) and how often a new one starts."""

    enabled: bool
    frequency: str
    current_file: str = ""


def log_file_status(current: ConnectorSettings) -> LogFileStatus:
    path = logfiles.event_log_path(current.log_frequency, timezone.now())
    return LogFileStatus(path is not None, current.log_frequency, str(path or ""))


def connector_settings_for_pages() -> ConnectorSettings:
    return settings_current()
