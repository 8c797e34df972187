"""The connector's configuration settings: read from and written to the SCIMSecret's notes in Secret Server.

Secret Server is the source of truth. ``settings_current()`` is the cheap read every other area uses
(session minutes, auditors group, access window); it is cached for at most ``SETTINGS_CACHE_SECONDS`` and
never raises. ``settings_document_fresh()`` is the exact, uncached read the settings page and API show.
``settings_update()`` writes Secret Server first, then the local mirror, under the audit discipline.
"""
from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import DatabaseError, transaction

from connector.configuration import (
    FIELD_RULES,
    ConnectorSettings,
    SettingsDocument,
    SettingsDocumentError,
    validate_settings,
)
from connector.models import ConnectorBootstrap, SettingsMirror
from connector.secretserver import SecretServerClient, SecretServerError, Unavailable
from connector.services.audit import audited
from connector.services.connection import (
    ConnectorNotConfigured,
    app_client,
    bootstrap_require,
    is_connector_secret,
)
from connector.services.locks import WritesBusy, secretserver_write_lock
from connector.services.settings_checks import settings_secretserver_errors

logger = logging.getLogger(__name__)

SETTINGS_CACHE_KEY = "connector:settings:current:v1"
SETTINGS_CACHE_SECONDS = 30
SETTINGS_FALLBACK_CACHE_SECONDS = 5  # when Secret Server did not answer: retry soon, but not on every request

UPDATE_FAILED = "Unable to update Configuration."
CONFLICT_MESSAGE = ("These settings were changed by someone else while you were editing. "
                    "The current values are shown; re-apply your changes.")
ALLOW_HTTP_IN_USE = "Allow Http cannot be disabled until all endpoints are https."
SETTINGS_SAVED = "Configuration saved."
MIRROR_BEHIND = "Saved in Secret Server; the local copy will be repaired by the next sync."


class SettingsInvalid(Exception):
    """One or more values break a rule; ``field_errors`` is ``{field: message}``."""

    audit_outcome = "failure"

    def __init__(self, field_errors: dict[str, str]):
        super().__init__("invalid settings")
        self.field_errors = dict(field_errors)
        self.safe_message = "Invalid settings: " + ", ".join(sorted(self.field_errors))


class SettingsConflict(Exception):
    """The form was loaded at an older revision than Secret Server holds now; ``current`` is what it holds."""

    audit_outcome = "failure"
    safe_message = "Refused: the settings were changed by someone else (revision conflict)."

    def __init__(self, current: SettingsDocument):
        super().__init__(CONFLICT_MESSAGE)
        self.current = current
        self.message = CONFLICT_MESSAGE


class SettingsUnavailable(Exception):
    """Secret Server could not be read or written; ``message`` is for the person, never holds a secret."""

    audit_outcome = "error"

    def __init__(self, reason: str):
        self.message = f"{UPDATE_FAILED} {reason}".strip()
        self.safe_message = self.message
        super().__init__(self.message)


class SettingsBusy(SettingsUnavailable):
    """Another administrator's save held the write lock for the whole wait; nothing was read or written."""


class SettingsMirrorBehind(Exception):
    """Secret Server has the new settings, the local mirror could not be written."""

    audit_outcome = "error"
    safe_message = MIRROR_BEHIND

    def __init__(self, document: SettingsDocument):
        super().__init__(MIRROR_BEHIND)
        self.document = document
        self.message = MIRROR_BEHIND


def _reason(exc: SecretServerError) -> str:
    return getattr(exc, "product_message", "") or "Secret Server refused the request."


# --- reads ----------------------------------------------------------------------------------------------

def settings_document_read(client: SecretServerClient, bootstrap: ConnectorBootstrap) -> SettingsDocument:
    """The document in the SCIMSecret's notes, as Secret Server holds it now (raises on any failure)."""
    return SettingsDocument.from_json(client.get_secret_field(bootstrap.scim_secret_id, "notes"))


def settings_document_fresh() -> SettingsDocument:
    """Uncached read for the settings page/API; raises ConnectorNotConfigured, SecretServerError,
    SettingsDocumentError."""
    bootstrap = bootstrap_require()
    document = settings_document_read(app_client(bootstrap), bootstrap)
    _cache_put(document)
    return document


def _cache_put(document: SettingsDocument, seconds: int = SETTINGS_CACHE_SECONDS) -> None:
    cache.set(SETTINGS_CACHE_KEY, {"settings": document.settings.as_dict(), "revision": document.revision}, seconds)


def _mirror_document() -> SettingsDocument | None:
    row = SettingsMirror.objects.filter(singleton=1).first()
    if row is None:
        return None
    merged = {**ConnectorSettings().as_dict(), **{k: v for k, v in row.settings.items() if k in FIELD_RULES}}
    if validate_settings(merged):
        return None
    return SettingsDocument(ConnectorSettings(**merged), row.revision)


def settings_current() -> ConnectorSettings:
    """The settings now in force, cached ≤ 30 s. Never raises: falls back to the mirror, then defaults."""
    cached = cache.get(SETTINGS_CACHE_KEY)
    if cached:
        try:
            return ConnectorSettings(**cached["settings"])
        except (TypeError, KeyError):
            cache.delete(SETTINGS_CACHE_KEY)
    try:
        return settings_document_fresh().settings
    except ConnectorNotConfigured:
        return ConnectorSettings()
    except (SecretServerError, SettingsDocumentError) as exc:
        logger.warning("settings: Secret Server read failed (%s); using the local copy", type(exc).__name__)
    document = _mirror_document() or SettingsDocument(ConnectorSettings(), 0)
    _cache_put(document, SETTINGS_FALLBACK_CACHE_SECONDS)
    return document.settings


def settings_cache_clear() -> None:
    cache.delete(SETTINGS_CACHE_KEY)


def endpoint_urls(client: SecretServerClient, bootstrap: ConnectorBootstrap) -> list[str]:
    """URLs of the endpoint secrets in the SCIM folder (every secret there except the SCIMSecret)."""
    urls = []
    for summary in client.search_secrets(folder_id=bootstrap.folder_id):
        if is_connector_secret(summary, bootstrap) or not summary.active:
            continue
        url = client.get_secret(summary.id).field("url")
        if url:
            urls.append(url)
    return urls


# --- write ----------------------------------------------------------------------------------------------

def settings_validate_partial(values: dict) -> dict[str, str]:
    """Rule errors for the values given (unknown names included), without requiring every field."""
    errors = {}
    for name, value in values.items():
        if name not in FIELD_RULES:
            errors[name] = "Unknown setting."
            continue
        message = FIELD_RULES[name][2](value)
        if message:
            errors[name] = message
    return errors


def _changes(before: ConnectorSettings, after: ConnectorSettings) -> tuple[dict, dict]:
    old, new = before.as_dict(), after.as_dict()
    changed = sorted(k for k in new if old.get(k) != new[k])
    return {k: old[k] for k in changed}, {k: new[k] for k in changed}


def _settings_mirror_write(document: SettingsDocument, secret_id: int | None) -> None:
    SettingsMirror.objects.update_or_create(
        singleton=1,
        defaults={"settings": document.settings.as_dict(), "revision": document.revision, "ss_secret_id": secret_id},
    )


def settings_update(*, actor, request, values: dict, expected_revision: int) -> SettingsDocument:
    """Save ``values`` (all or some settings) if Secret Server still holds ``expected_revision``.

    Raises SettingsInvalid (field errors), SettingsConflict (carries the current document),
    SettingsUnavailable (Secret Server failed: nothing changed) or SettingsMirrorBehind (saved in Secret
    Server, local copy stale). Plain rule errors are refused before anything is written or audited.
    The read-check-write runs under the connector-wide write lock (connector.services.locks), so two
    workers saving at the same instant cannot both pass the revision check.
    """
    try:
        with secretserver_write_lock():
            return _settings_update_locked(actor=actor, request=request, values=values,
                                           expected_revision=expected_revision)
    except WritesBusy as exc:
        raise SettingsBusy(exc.message) from None


def _settings_update_locked(*, actor, request, values: dict, expected_revision: int) -> SettingsDocument:
    errors = settings_validate_partial(values)
    if errors:
        raise SettingsInvalid(errors)
    bootstrap = bootstrap_require()
    client = app_client(bootstrap)
    with audited(action="settings.update", actor=actor, request=request, target_type="settings",
                 target_id=bootstrap.scim_secret_id or "", target_repr="Configuration settings",
                 message=f"from revision {expected_revision}") as audit:
        try:
            current = settings_document_read(client, bootstrap)
        except SecretServerError as exc:
            raise SettingsUnavailable(_reason(exc)) from None
        except SettingsDocumentError as exc:
            raise SettingsUnavailable(str(exc)) from None
        if current.revision != expected_revision:
            _cache_put(current)
            raise SettingsConflict(current)
        merged = {**current.settings.as_dict(), **values}
        errors = validate_settings(merged)
        if errors:
            raise SettingsInvalid(errors)
        new_settings = ConnectorSettings(**merged)
        try:
            errors = settings_secretserver_errors(client, current=current.settings, new=new_settings)
        except SecretServerError as exc:
            raise SettingsUnavailable(_reason(exc)) from None
        if errors:
            raise SettingsInvalid(errors)
        if current.settings.allow_http_endpoints and not new_settings.allow_http_endpoints:
            try:
                insecure = [u for u in endpoint_urls(client, bootstrap) if u.strip().lower().startswith("http://")]
            except SecretServerError as exc:
                raise SettingsUnavailable(_reason(exc)) from None
            if insecure:
                raise SettingsInvalid({"allow_http_endpoints": ALLOW_HTTP_IN_USE})
        document = SettingsDocument(new_settings, current.revision + 1)
        before, after = _changes(current.settings, new_settings)
        audit.before = {**before, "revision": current.revision}
        audit.after = {**after, "revision": document.revision}
        try:
            client.update_secret_field(bootstrap.scim_secret_id, "notes", document.to_json())
        except Unavailable:
            raise SettingsUnavailable("Secret Server service unavailable.") from None
        except SecretServerError as exc:
            raise SettingsUnavailable(_reason(exc)) from None
        _cache_put(document)
        try:
            with transaction.atomic():
                _settings_mirror_write(document, bootstrap.scim_secret_id)
                audit.record(message=SETTINGS_SAVED)
        except DatabaseError:
            logger.error("settings: saved in Secret Server (revision %s) but the mirror write failed",
                         document.revision)
            raise SettingsMirrorBehind(document) from None
    return document
