"""The connector's configuration settings: read from and written to the SCIMSecret's notes in Secret Server.

Secret Server is the source of truth. ``settings_current()`` is the cheap read every other area uses
(session minutes, auditors group, access window); it is cached for at most ``SETTINGS_CACHE_SECONDS`` and
never raises. ``settings_document_recent()`` is the settings page's read: the same cached document with its
revision (one Secret Server read on a miss). ``settings_document_fresh()`` is the exact, uncached read the API
shows. ``settings_update()`` re-reads Secret Server and refuses a stale revision, then writes Secret Server
first, then the local mirror, under the audit discipline; the cache then holds the saved document.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from django.core.cache import cache
from django.db import DatabaseError, transaction

from connector.configuration import (
    ConnectorSettings,
    SettingsDocument,
    SettingsDocumentError,
    settings_errors,
)
from connector.models import ConnectorBootstrap, SettingsMirror
from connector.selectors.settings import (
    SETTINGS_CACHE_FROM_SECRETSERVER,
    SETTINGS_CACHE_KEY,
    settings_cached,
    settings_document_cached,
    settings_mirrored,
)
from connector.errors import (
    Busy,
    Conflict,
    ConnectorError,
    InvalidInput,
    SavedNotMirrored,
    SecretServerRefused,
)
from connector.messages import (
    MSG_ALLOW_HTTP_IN_USE,
    MSG_CONFIRMED_LATE,
    MSG_MIRROR_BEHIND,
    MSG_SETTINGS_CONFLICT,
    MSG_SETTINGS_SAVED,
    MSG_SETTINGS_UPDATE_FAILED,
    MSG_WRITES_BUSY,
)
from connector.secretserver import SecretServerClient, SecretServerError
from connector.services.audit import AuditWriteError, audited
from connector.services.connection import (
    ConnectorNotConfigured,
    app_client,
    bootstrap_require,
    is_connector_secret,
)
from connector.services.failures import secretserver_failure
from connector.services.locks import WritesBusy, secretserver_write_lock
from connector.services.reconcile import write_reconciled
from connector.services.settings_checks import settings_secretserver_errors

logger = logging.getLogger(__name__)

SETTINGS_CACHE_SECONDS = 30
SETTINGS_FALLBACK_CACHE_SECONDS = 5  # when Secret Server did not answer: retry soon, but not on every request

UPDATE_FAILED = MSG_SETTINGS_UPDATE_FAILED
CONFLICT_MESSAGE = MSG_SETTINGS_CONFLICT
ALLOW_HTTP_IN_USE = MSG_ALLOW_HTTP_IN_USE
SETTINGS_SAVED = MSG_SETTINGS_SAVED
MIRROR_BEHIND = MSG_MIRROR_BEHIND


class SettingsInvalid(InvalidInput):
    """One or more values break a rule; ``field_errors`` is ``{field: [message]}``."""

    def __init__(self, field_errors: dict[str, str]):
        super().__init__(MSG_SETTINGS_UPDATE_FAILED, field_errors=field_errors)
        self.safe_message = "Invalid settings: " + ", ".join(sorted(self.field_errors))


class SettingsConflict(Conflict):
    """The form was loaded at an older revision than Secret Server holds now; ``current`` is what it holds."""

    safe_message = "Refused: the settings were changed by someone else (revision conflict)."

    def __init__(self, current: SettingsDocument):
        super().__init__(MSG_SETTINGS_CONFLICT, current=current)


class SettingsUnavailable(ConnectorError):
    """Secret Server could not be read or written (503 down, 502 refused); nothing changed."""


class SettingsUnreadable(SecretServerRefused):
    """The settings document in Secret Server cannot be read (not JSON, wrong schema, newer version)."""


class SettingsBusy(Busy):
    """Another administrator's save held the write lock for the whole wait; nothing was read or written."""

    def __init__(self):
        super().__init__(f"{MSG_SETTINGS_UPDATE_FAILED} {MSG_WRITES_BUSY}")


class SettingsMirrorBehind(SavedNotMirrored):
    """Secret Server has the new settings, the local mirror could not be written; ``current`` is the new one."""

    def __init__(self, document: SettingsDocument):
        super().__init__(MSG_MIRROR_BEHIND, current=document)
        self.document = document


@dataclass(frozen=True)
class SettingsSaved(SettingsDocument):
    """The saved document; ``confirmed_late``: Secret Server's answer was lost, a re-read found it saved."""

    confirmed_late: bool = False


def _unavailable(exc: SecretServerError) -> SettingsUnavailable:
    return secretserver_failure(exc, prefix=MSG_SETTINGS_UPDATE_FAILED, cls=SettingsUnavailable)


# --- reads ----------------------------------------------------------------------------------------------

def settings_document_read(client: SecretServerClient, bootstrap: ConnectorBootstrap) -> SettingsDocument:
    """The document in the SCIMSecret's notes, as Secret Server holds it now (raises on any failure)."""
    return SettingsDocument.from_json(client.get_secret_field(bootstrap.scim_secret_id, "notes"))


def _settings_document_uncached() -> SettingsDocument:
    bootstrap = bootstrap_require()
    document = settings_document_read(app_client(bootstrap), bootstrap)
    _cache_put(document)
    return document


def settings_document_fresh() -> SettingsDocument:
    """Uncached read for the API; raises ConnectorNotConfigured, SecretServerUnavailable /
    SecretServerRefused, or SettingsUnreadable (the stored document is broken)."""
    try:
        return _settings_document_uncached()
    except SecretServerError as exc:
        raise secretserver_failure(exc) from exc
    except SettingsDocumentError as exc:
        raise SettingsUnreadable(str(exc)) from exc


def settings_document_recent() -> SettingsDocument:
    """The settings page's read: the document as this connector last read or saved it in Secret Server
    (≤ ``SETTINGS_CACHE_SECONDS`` old, shared by every worker), else one Secret Server read that fills the cache.

    A Secret Server call per page view bought nothing: a save carries the revision the form was loaded at and
    ``settings_update`` compares it with what Secret Server holds before writing, so a form loaded from an
    older copy (someone edited the SCIMSecret directly meanwhile) is refused as ``SettingsConflict`` showing
    the current values, and nothing is lost. A save through the connector puts the new document in the cache,
    so the page shows the new revision at once. Raises as ``settings_document_fresh`` on a miss.
    """
    document = settings_document_cached()
    return document if document is not None else settings_document_fresh()


def _cache_put(document: SettingsDocument, seconds: int = SETTINGS_CACHE_SECONDS, *,
               from_secretserver: bool = True) -> None:
    cache.set(SETTINGS_CACHE_KEY, {"settings": document.settings.as_dict(), "revision": document.revision,
                                   SETTINGS_CACHE_FROM_SECRETSERVER: from_secretserver}, seconds)


def settings_current() -> ConnectorSettings:
    """The settings now in force, cached ≤ 30 s. Never raises: falls back to the mirror, then defaults."""
    cached = settings_cached()
    if cached is not None:
        return cached
    try:
        return _settings_document_uncached().settings
    except ConnectorNotConfigured:
        return ConnectorSettings()
    except (SecretServerError, SettingsDocumentError) as exc:
        logger.warning("settings: Secret Server read failed (%s); using the local copy", type(exc).__name__)
    document = settings_mirrored() or SettingsDocument(ConnectorSettings(), 0)
    _cache_put(document, SETTINGS_FALLBACK_CACHE_SECONDS, from_secretserver=False)
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

def _changes(before: ConnectorSettings, after: ConnectorSettings) -> tuple[dict, dict]:
    old, new = before.as_dict(), after.as_dict()
    changed = sorted(k for k in new if old.get(k) != new[k])
    return {k: old[k] for k in changed}, {k: new[k] for k in changed}


def _settings_mirror_write(document: SettingsDocument, secret_id: int | None) -> None:
    SettingsMirror.objects.update_or_create(
        singleton=1,
        defaults={"settings": document.settings.as_dict(), "revision": document.revision, "ss_secret_id": secret_id},
    )


def settings_update(*, actor, request, values: dict, expected_revision: int,
                    complete: bool = False) -> SettingsDocument:
    """Save ``values`` (some settings, or every one when ``complete``) if Secret Server still holds
    ``expected_revision``. The values are validated here, once, against the settings spec.

    Raises SettingsInvalid (field errors), SettingsConflict (carries the current document), SettingsBusy,
    SettingsUnavailable (Secret Server failed: nothing changed), AuditWriteError or SettingsMirrorBehind
    (saved in Secret Server, local copy stale) — all ``ConnectorError``s. Plain rule errors are refused
    before anything is written or audited.
    The read-check-write runs under the connector-wide write lock (connector.services.locks), so two
    workers saving at the same instant cannot both pass the revision check.
    """
    try:
        with secretserver_write_lock():
            return _settings_update_locked(actor=actor, request=request, values=values,
                                           expected_revision=expected_revision, complete=complete)
    except WritesBusy:
        raise SettingsBusy() from None
    except AuditWriteError as exc:
        raise AuditWriteError(f"{MSG_SETTINGS_UPDATE_FAILED} {exc.message}") from exc


def _settings_document_for_update(client, bootstrap) -> SettingsDocument:
    """The settings document as Secret Server holds it now, the base of the revision check.

    Unreachable → unavailable; a document that no longer parses → 502 naming why, nothing written.
    """
    try:
        return settings_document_read(client, bootstrap)
    except SecretServerError as exc:
        raise _unavailable(exc) from None
    except SettingsDocumentError as exc:
        raise SettingsUnavailable(f"{MSG_SETTINGS_UPDATE_FAILED} {exc}", status=502) from None


def _settings_check_in_secretserver(client, bootstrap, *, current, new) -> None:
    """The rules only Secret Server can answer (a changed Auditors group exists), and: HTTP endpoints cannot be
    switched off while an endpoint still uses an ``http://`` URL. Raises SettingsInvalid with field errors."""
    try:
        errors = settings_secretserver_errors(client, current=current, new=new)
    except SecretServerError as exc:
        raise _unavailable(exc) from None
    if errors:
        raise SettingsInvalid(errors)
    if current.allow_http_endpoints and not new.allow_http_endpoints:
        try:
            insecure = [u for u in endpoint_urls(client, bootstrap) if u.strip().lower().startswith("http://")]
        except SecretServerError as exc:
            raise _unavailable(exc) from None
        if insecure:
            raise SettingsInvalid({"allow_http_endpoints": ALLOW_HTTP_IN_USE})


def _settings_update_locked(*, actor, request, values: dict, expected_revision: int,
                            complete: bool) -> SettingsDocument:
    errors = settings_errors(values, complete=complete)
    if errors:
        raise SettingsInvalid(errors)
    bootstrap = bootstrap_require()
    client = app_client(bootstrap)
    with audited(action="settings.update", actor=actor, request=request, target_type="settings",
                 target_id=bootstrap.scim_secret_id or "", target_repr="Configuration settings",
                 message=f"from revision {expected_revision}") as audit:
        current = _settings_document_for_update(client, bootstrap)
        if current.revision != expected_revision:
            _cache_put(current)
            raise SettingsConflict(current)
        new_settings = current.settings.with_changes(**values)  # both sides already pass every rule
        _settings_check_in_secretserver(client, bootstrap, current=current.settings, new=new_settings)
        document = SettingsDocument(new_settings, current.revision + 1)
        before, after = _changes(current.settings, new_settings)
        audit.before = {**before, "revision": current.revision}
        audit.after = {**after, "revision": document.revision}
        def landed():
            seen = settings_document_read(client, bootstrap)
            return seen if (seen.revision, seen.settings) == (document.revision, document.settings) else None

        try:
            _, late = write_reconciled(
                lambda: client.update_secret_field(bootstrap.scim_secret_id, "notes", document.to_json()), landed)
        except SecretServerError as exc:
            raise _unavailable(exc) from None
        _cache_put(document)
        try:
            with transaction.atomic():
                _settings_mirror_write(document, bootstrap.scim_secret_id)
                audit.record(message=f"{SETTINGS_SAVED} {MSG_CONFIRMED_LATE}" if late else SETTINGS_SAVED)
        except DatabaseError:
            logger.error("settings: saved in Secret Server (revision %s) but the mirror write failed",
                         document.revision)
            raise SettingsMirrorBehind(document) from None
    return SettingsSaved(document.settings, document.revision, confirmed_late=late)
