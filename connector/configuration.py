"""The connector's configuration settings: defaults, limits and validation (product.md, "Settings").

The settings live in Secret Server, in the SCIMSecret's notes field, as a versioned JSON document:
``{"schema": "scim-connector-settings", "version": 1, "revision": 7, "settings": {...}}``.
``revision`` grows by one on every save; a save carrying an older revision is refused, so two
administrators editing at once cannot silently overwrite each other.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace

from connector.messages import MSG_FIELD_REQUIRED, MSG_UNKNOWN_SETTING, MSG_WHOLE_NUMBER

SCHEMA_NAME = "scim-connector-settings"
SCHEMA_VERSION = 1
LOG_FREQUENCIES = ("Hourly", "Daily", "Weekly")


class SettingsDocumentError(ValueError):
    """The settings document in Secret Server cannot be read (not JSON, wrong schema, newer version)."""


@dataclass(frozen=True)
class ConnectorSettings:
    bulk_max_operations: int = 1000
    bulk_max_payload: int = 1048576
    ui_session_minutes: int = 60
    endpoint_token_days: int = 730
    error_threshold: int = 20
    log_frequency: str = "Hourly"
    allow_http_endpoints: bool = False
    connector_disabled: bool = False
    auditors_group: str = "SCIM Auditors"
    access_window_days: int = 2

    def as_dict(self) -> dict:
        return asdict(self)

    def with_changes(self, **changes) -> ConnectorSettings:
        return replace(self, **changes)


# field -> (label, help text, rule). Rules return an error message or None.
def _int_range(lo, hi):
    def rule(value):
        if isinstance(value, bool) or not isinstance(value, int):
            return MSG_WHOLE_NUMBER
        if not lo <= value <= hi:
            return f"Enter a number from {lo} to {hi}."
        return None

    return rule


def _bool(value):
    return None if isinstance(value, bool) else "Enter true or false."


def _choice(options):
    def rule(value):
        return None if value in options else f"Choose one of: {', '.join(options)}."

    return rule


def _group_name(value):
    if not isinstance(value, str) or not value.strip():
        return "Enter the name of a Secret Server group."
    if len(value) > 255:
        return "Group names are at most 255 characters."
    return None


FIELD_RULES = {
    "bulk_max_operations": ("Bulk max operations", "Operations allowed in one SCIM bulk request.", _int_range(1, 1000)),
    "bulk_max_payload": ("Bulk max payload (bytes)", "Largest SCIM bulk request body.", _int_range(1, 1048576)),
    "ui_session_minutes": ("UI session (minutes)", "Inactivity before sign-in expires.", _int_range(5, 1440)),
    "endpoint_token_days": (
        "Endpoint token lifetime (days)",
        "Lifetime of newly generated endpoint tokens; tokens already issued keep theirs.",
        _int_range(1, 3650),
    ),
    "error_threshold": (
        "Error threshold",
        "Sequential Secret Server errors before the connector disables itself.",
        _int_range(1, 100000),
    ),
    "log_frequency": ("Log frequency", "Start a new log file every hour, day or week.", _choice(LOG_FREQUENCIES)),
    "allow_http_endpoints": ("Allow HTTP endpoints", "Allow endpoint URLs that are not https.", _bool),
    "connector_disabled": ("SCIM Connector disabled", "When checked, SCIM traffic is refused.", _bool),
    "auditors_group": ("Auditors group", "Members of this Secret Server group get read-only access.", _group_name),
    "access_window_days": (
        "Access window (days)",
        "How long an approved access request lets a person use the connector.",
        _int_range(1, 30),
    ),
}
assert set(FIELD_RULES) == {f.name for f in fields(ConnectorSettings)}


def validate_settings(values: dict) -> dict[str, str]:
    """Field-by-field errors ({field: message}); empty when every value is acceptable."""
    errors = {}
    for name, (_label, _help, rule) in FIELD_RULES.items():
        if name not in values:
            errors[name] = MSG_FIELD_REQUIRED
            continue
        message = rule(values[name])
        if message:
            errors[name] = message
    unknown = set(values) - set(FIELD_RULES)
    for name in sorted(unknown):
        errors[name] = MSG_UNKNOWN_SETTING
    return errors


@dataclass(frozen=True)
class SettingsDocument:
    settings: ConnectorSettings
    revision: int

    def to_json(self) -> str:
        return json.dumps(
            {"schema": SCHEMA_NAME, "version": SCHEMA_VERSION, "revision": self.revision, "settings": self.settings.as_dict()},
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str | None) -> SettingsDocument:
        """Parse the notes field. Empty means "never saved": defaults at revision 0.

        Settings missing from an older document take their defaults; invalid stored values are an
        error (never silently replaced), so an administrator sees and fixes them.
        """
        if text is None or not str(text).strip() or str(text).strip() == "null":
            return cls(ConnectorSettings(), 0)
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise SettingsDocumentError("The settings stored in Secret Server are not valid JSON.") from exc
        if not isinstance(data, dict) or data.get("schema") != SCHEMA_NAME:
            raise SettingsDocumentError("The SCIMSecret's notes do not hold connector settings.")
        if not isinstance(data.get("version"), int) or data["version"] > SCHEMA_VERSION:
            raise SettingsDocumentError("The settings were saved by a newer connector version.")
        stored = data.get("settings") or {}
        if not isinstance(stored, dict):
            raise SettingsDocumentError("The settings stored in Secret Server have the wrong shape.")
        merged = {**ConnectorSettings().as_dict(), **{k: v for k, v in stored.items() if k in FIELD_RULES}}
        errors = validate_settings(merged)
        if errors:
            raise SettingsDocumentError(f"Invalid stored settings: {', '.join(sorted(errors))}.")
        revision = data.get("revision", 0)
        if not isinstance(revision, int) or revision < 0:
            raise SettingsDocumentError("The settings revision stored in Secret Server is invalid.")
        return cls(ConnectorSettings(**merged), revision)
