"""The connector's configuration settings: defaults, limits and validation (product.md, "Settings").

The settings live in Secret Server, in the SCIMSecret's notes field, as a versioned JSON document:
``{"schema": "scim-connector-settings", "version": 1, "revision": 7, "settings": {...}}``.
``revision`` grows by one on every save; a save carrying an older revision is refused, so two
administrators editing at once cannot silently overwrite each other.
"""
from __future__ import annotations

import json
from dataclasses import FrozenInstanceError, dataclass

from connector.messages import MSG_FIELD_REQUIRED, MSG_UNKNOWN_SETTING, MSG_WHOLE_NUMBER

SCHEMA_NAME = "scim-connector-settings"
SCHEMA_VERSION = 1
LOG_FREQUENCIES = ("Hourly", "Daily", "Weekly")


class SettingsDocumentError(ValueError):
    """The settings document in Secret Server cannot be read (not JSON, wrong schema, newer version)."""


# --- the one settings spec --------------------------------------------------------------------------------

SECTION_SCIM = "SCIM"
SECTION_ACCESS = "Access and logging"
SECTIONS = (SECTION_SCIM, SECTION_ACCESS)


@dataclass(frozen=True)
class SettingSpec:
    """One configuration setting, declared once: everything else (the settings object, validation, the
    settings form and page, the API serializers and schema) is generated from these declarations.

    ``kind`` is int, bool or str; ints take ``minimum``/``maximum``, strs ``choices`` or ``max_length`` (and
    must not be blank). Declaration order is the order on the page (within its ``section``) and in the API.
    """

    name: str
    kind: type
    default: object
    label: str
    help: str
    section: str
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] = ()
    max_length: int | None = None
    blank_message: str = ""  # str settings without choices: what an empty value is told
    long_message: str = ""  # ... and what a value over max_length is told

    def error(self, value) -> str | None:
        """The rule's message for ``value``, or None when it is acceptable."""
        if self.kind is bool:
            return None if isinstance(value, bool) else "Enter true or false."
        if self.kind is int:
            if isinstance(value, bool) or not isinstance(value, int):
                return MSG_WHOLE_NUMBER
            if not self.minimum <= value <= self.maximum:
                return f"Enter a number from {self.minimum} to {self.maximum}."
            return None
        if self.choices:
            return None if value in self.choices else f"Choose one of: {', '.join(self.choices)}."
        if not isinstance(value, str) or not value.strip():
            return self.blank_message or MSG_FIELD_REQUIRED
        if self.max_length is not None and len(value) > self.max_length:
            return self.long_message or f"{self.label} is at most {self.max_length} characters."
        return None


SETTINGS: dict[str, SettingSpec] = {}


def register_setting(spec: SettingSpec) -> SettingSpec:
    """Add a setting to the spec (a new setting is this one call, in the list below)."""
    if spec.name in SETTINGS:
        raise ValueError(f"setting {spec.name!r} is declared twice")
    if spec.section not in SECTIONS:
        raise ValueError(f"setting {spec.name!r}: unknown section {spec.section!r}")
    problem = spec.error(spec.default)
    if problem:
        raise ValueError(f"setting {spec.name!r}: its default breaks its own rule ({problem})")
    SETTINGS[spec.name] = spec
    return spec


def unregister_setting(name: str) -> None:
    """Remove a setting added at run time (tests that register a fake one)."""
    SETTINGS.pop(name, None)


for _spec in (
    SettingSpec("bulk_max_operations", int, 1000, "Bulk max operations", "Operations allowed in one SCIM bulk request.",
                SECTION_SCIM, minimum=1, maximum=1000),
    SettingSpec("bulk_max_payload", int, 1048576, "Bulk max payload (bytes)", "Largest SCIM bulk request body.",
                SECTION_SCIM, minimum=1, maximum=1048576),
    SettingSpec("endpoint_token_days", int, 730, "Endpoint token lifetime (days)",
                "Lifetime of newly generated endpoint tokens; tokens already issued keep theirs.",
                SECTION_SCIM, minimum=1, maximum=3650),
    SettingSpec("error_threshold", int, 20, "Error threshold",
                "Sequential Secret Server errors before the connector disables itself.",
                SECTION_SCIM, minimum=1, maximum=100000),
    SettingSpec("allow_http_endpoints", bool, False, "Allow HTTP endpoints", "Allow endpoint URLs that are not https.",
                SECTION_SCIM),
    SettingSpec("connector_disabled", bool, False, "SCIM Connector disabled", "When checked, SCIM traffic is refused.",
                SECTION_SCIM),
    SettingSpec("ui_session_minutes", int, 60, "UI session (minutes)", "Inactivity before sign-in expires.",
                SECTION_ACCESS, minimum=5, maximum=1440),
    SettingSpec("access_window_days", int, 2, "Access window (days)",
                "How long an approved access request lets a person use the connector.",
                SECTION_ACCESS, minimum=1, maximum=30),
    SettingSpec("auditors_group", str, "SCIM Auditors", "Auditors group",
                "Members of this Secret Server group get read-only access.", SECTION_ACCESS, max_length=255,
                blank_message="Enter the name of a Secret Server group.",
                long_message="Group names are at most 255 characters."),
    SettingSpec("log_frequency", str, "Hourly", "Log frequency", "Start a new log file every hour, day or week.",
                SECTION_ACCESS, choices=LOG_FREQUENCIES),
):
    register_setting(_spec)


class ConnectorSettings:
    """The settings in force: one read-only attribute per declared setting (defaults for those not given).

    Generated from ``SETTINGS`` at construction, so a setting registered later is an attribute like the rest.
    Raises TypeError for a name the spec does not declare (as a dataclass would).
    """

    __slots__ = ("_values",)

    def __init__(self, **values):
        unknown = sorted(set(values) - set(SETTINGS))
        if unknown:
            raise TypeError(f"unknown settings: {', '.join(unknown)}")
        object.__setattr__(self, "_values", {name: values.get(name, spec.default) for name, spec in SETTINGS.items()})

    def __getattr__(self, name):
        try:
            return object.__getattribute__(self, "_values")[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        raise FrozenInstanceError(f"cannot assign to field {name!r}")

    def __eq__(self, other):
        return isinstance(other, ConnectorSettings) and self._values == other._values

    def __hash__(self):
        return hash(tuple(sorted(self._values.items())))

    def __repr__(self):
        return "ConnectorSettings(" + ", ".join(f"{k}={v!r}" for k, v in self._values.items()) + ")"

    def as_dict(self) -> dict:
        return dict(self._values)

    def with_changes(self, **changes) -> ConnectorSettings:
        return ConnectorSettings(**{**self._values, **changes})


def settings_errors(values: dict, *, complete: bool) -> dict[str, str]:
    """Rule errors ``{name: message}`` for ``values``: unknown names, broken rules and, when ``complete``,
    missing settings. The one validation of a save (connector/services/configuration_service.py)."""
    errors = {}
    for name, spec in SETTINGS.items():
        if name not in values:
            if complete:
                errors[name] = MSG_FIELD_REQUIRED
            continue
        message = spec.error(values[name])
        if message:
            errors[name] = message
    for name in sorted(set(values) - set(SETTINGS)):
        errors[name] = MSG_UNKNOWN_SETTING
    return errors


def validate_settings(values: dict) -> dict[str, str]:
    """Field-by-field errors of a whole settings document ({field: message}); empty when all is acceptable."""
    return settings_errors(values, complete=True)


def settings_merged_with_defaults(stored: dict) -> dict:
    """A stored document's values over the defaults (settings it predates take theirs; unknown ones dropped)."""
    return {**ConnectorSettings().as_dict(), **{k: v for k, v in stored.items() if k in SETTINGS}}


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
        merged = settings_merged_with_defaults(stored)
        errors = validate_settings(merged)
        if errors:
            raise SettingsDocumentError(f"Invalid stored settings: {', '.join(sorted(errors))}.")
        revision = data.get("revision", 0)
        if not isinstance(revision, int) or revision < 0:
            raise SettingsDocumentError("The settings revision stored in Secret Server is invalid.")
        return cls(ConnectorSettings(**merged), revision)
