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

SCIM_VERSION = "2.0"


def connector_version() -> str:
    return str(settings.SPECTACULAR_SETTINGS.get("VERSION", "0.0.0"))


def scim_features(current: ConnectorSettings) -> list[tuple[str, str]]:
    """What the SCIM service (scim/, under ``/v2``) serves today, said plainly."""
    return [
        ("SCIM protocol endpoints", "served under /v2: Users and Groups (Secret Server users and groups), Bulk, "
                                    "ServiceProviderConfig, ResourceTypes, Schemas"),
        ("Endpoint authentication", "bearer token per endpoint (verified in constant time; revocable at once)"),
        ("Filtering and paging", f"exact filters (eq, co, sw, ew, gt, ge, lt, le, pr, and, or, not), sorting, "
                                 f"at most {settings.SCIM_MAX_RESULTS} results per page"),
        ("PATCH and ETags", "PATCH in the dialects Okta and Microsoft Entra send; weak ETags with If-Match"),
        ("Bulk limits (configured)", f"{current.bulk_max_operations} operations, {current.bulk_max_payload} bytes"),
        ("Error threshold (configured)", f"{current.error_threshold} sequential Secret Server errors disable SCIM"),
        ("Passwords", "set through SCIM (write-only); never stored by the connector or shown"),
        ("Extensions", "PAM (draft-grizzle-scim-pam-ext-01): Containers, ContainerPermissions, PrivilegedData, "
                       "PrivilegedDataPermissions (Secret Server folders, folder permissions, secrets and secret "
                       "permissions); sensitive values only for endpoints that allow them, each read audited"),
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
