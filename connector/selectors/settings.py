"""Reads for the Home and About pages: what the SCIM side supports, the version, where the log files go.

No Secret Server call here: the connection status is a service (connector/services/status.py).
"""
from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from connector import logfiles
from connector.configuration import (
    ConnectorSettings,
    SettingsDocument,
    settings_merged_with_defaults,
    validate_settings,
)
from connector.models import SettingsMirror

SCIM_VERSION = "2.0"
SETTINGS_CACHE_KEY = "connector:settings:current:v1"
SETTINGS_CACHE_FROM_SECRETSERVER = "fromSecretServer"  # set in the cached entry unless it is the local fallback


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
class LogFileStatus:
    """Where the log files go (connector/logfiles.py) and how often a new one starts."""

    enabled: bool
    frequency: str
    current_file: str = ""


def log_file_status(current: ConnectorSettings) -> LogFileStatus:
    path = logfiles.event_log_path(current.log_frequency, timezone.now())
    return LogFileStatus(path is not None, current.log_frequency, str(path or ""))


# --- the settings as this connector last knew them (no Secret Server call) ------------------------------

def settings_cached() -> ConnectorSettings | None:
    """The settings the configuration service last read from Secret Server (≤ 30 s old), or None."""
    cached = cache.get(SETTINGS_CACHE_KEY)
    if cached:
        try:
            return ConnectorSettings(**cached["settings"])
        except (TypeError, KeyError):
            cache.delete(SETTINGS_CACHE_KEY)
    return None


def settings_document_cached() -> SettingsDocument | None:
    """The settings document with its revision as the configuration service last read or wrote it in Secret
    Server (≤ 30 s old), or None — also when the cached copy is the local fallback kept while Secret Server
    did not answer (that one is not what Secret Server holds, and its revision may be behind)."""
    cached = cache.get(SETTINGS_CACHE_KEY)
    if cached and cached.get(SETTINGS_CACHE_FROM_SECRETSERVER):
        try:
            return SettingsDocument(ConnectorSettings(**cached["settings"]), int(cached["revision"]))
        except (TypeError, KeyError, ValueError):
            cache.delete(SETTINGS_CACHE_KEY)
    return None


def settings_mirrored() -> SettingsDocument | None:
    """The local mirror of the settings document (written after every save and sync), if it is usable."""
    row = SettingsMirror.objects.filter(singleton=1).first()
    if row is None:
        return None
    merged = settings_merged_with_defaults(row.settings)
    if validate_settings(merged):
        return None
    return SettingsDocument(ConnectorSettings(**merged), row.revision)


def settings_local() -> ConnectorSettings:
    """The settings from the cache, else the mirror, else the defaults: never a Secret Server call.

    For code that must not reach Secret Server, such as the audit writer choosing its log file.
    """
    cached = settings_cached()
    if cached is not None:
        return cached
    mirrored = settings_mirrored()
    return mirrored.settings if mirrored is not None else ConnectorSettings()
