"""SCIM endpoints: one Web Password secret each in the ``SCIM {hostname}`` folder (product.md, "Endpoints").

Secret Server is the source of truth; ``EndpointMirror`` is a local copy for token checks. Every write
follows the project's one pattern: an intent audit row, the Secret Server call, then the mirror row and
the outcome row in one transaction. A Secret Server failure changes nothing locally; a mirror failure
after Secret Server succeeded is reported as such and repaired by the next ``endpoint_sync``.

The secret's fields: ``name`` = endpoint name, ``url``, ``username``, ``password`` (the endpoint's own
credential, kept only in Secret Server) and ``notes`` = the JSON document built by ``_notes_document``
(token id, sha256, display prefix, issue/expiry times, permission mappings, revision). No plaintext
token is stored anywhere.

Concurrent edits: update, token regeneration and delete accept ``expected_revision`` (the revision the
caller loaded). The service re-reads the secret, and a different revision raises ``EndpointConflict``
inside the audited block, before any Secret Server write (one "failure" outcome row). The read and the
write are not atomic in Secret Server (it has no conditional update), so two saves within the same
fraction of a second can still both pass the check; the check catches the ordinary case of a form or API
client holding an older copy.
"""
from __future__ import annotations

import functools
import json
import logging
from dataclasses import dataclass, field
from datetime import datetime

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from connector.configuration import ConnectorSettings
from connector.models import EndpointMirror
from connector.selectors.endpoints import endpoint_mirror_list
from connector.errors import NON_FIELD, Conflict, InvalidInput, ObjectNotFound, SavedNotMirrored
from connector.messages import (
    MSG_CONFIRMED_LATE,
    MSG_ENDPOINT_CONFLICT,
    MSG_ENDPOINT_NAME_REQUIRED,
    MSG_ENDPOINT_NAME_RESERVED,
    MSG_ENDPOINT_NAME_TAKEN,
    MSG_ENDPOINT_NOT_FOUND,
    MSG_MIRROR_BEHIND,
    MSG_PASSWORD_REQUIRED,
    MSG_REFUSED_CHANGE,
    MSG_URL_HTTPS,
    MSG_URL_INVALID,
    MSG_USERNAME_REQUIRED,
)
from connector.secretserver import (
    AccessDenied,
    ApprovalRequired,
    NotFound,
    Secret,
    SecretServerClient,
    SecretServerError,
)
from connector.secretserver.types import parse_datetime
from connector.services.audit import audited
from connector.services import configuration_service
from connector.services.connection import (
    WEB_PASSWORD_TEMPLATE_ID,
    app_client,
    bootstrap_require,
    bootstrap_version,
    is_connector_secret,
)
from connector.services.failures import secretserver_failure
from connector.services.endpoint_tokens import TOKEN_TYPE, IssuedToken, endpoint_tokens_changed, token_generate
from connector.services.locks import serialized_write
from connector.services.reconcile import write_reconciled

logger = logging.getLogger(__name__)

NOTES_SCHEMA = "scim-connector-endpoint"
NOTES_VERSION = 1

MSG_NAME_REQUIRED = MSG_ENDPOINT_NAME_REQUIRED
MSG_NAME_TAKEN = MSG_ENDPOINT_NAME_TAKEN
MSG_MIRROR_FAILED = MSG_MIRROR_BEHIND
MSG_CONFLICT = MSG_ENDPOINT_CONFLICT

MAPPING_TYPES = ("Container", "PrivilegedData")
MAPPING_ROLES = {
    "Container": ("List", "View", "Edit", "Owner", "Add Secret"),
    "PrivilegedData": ("List", "View", "Edit", "Owner"),
}
MSG_SENSITIVE_ON = "SCIM may now read sensitive secret values through this endpoint (each read is audited)."
MSG_SENSITIVE_OFF = "SCIM may no longer read sensitive secret values through this endpoint."
DEFAULT_ROLE = "View"
"""Role given to endpoint values that no mapping names (product.md: "Unmapped values default to View")."""


class EndpointNotFound(ObjectNotFound):
    """No active endpoint secret with that id in the SCIM folder (the SCIMSecret itself is not one)."""

    default_message = MSG_ENDPOINT_NOT_FOUND
    safe_message = MSG_ENDPOINT_NOT_FOUND


class EndpointMirrorFailed(SavedNotMirrored):
    """Secret Server took the change but the local mirror could not be written."""

    safe_message = MSG_MIRROR_BEHIND


class EndpointConflict(Conflict):
    """The caller read the endpoint at an older revision than Secret Server holds now; nothing was written.

    ``current`` is the endpoint as Secret Server holds it (an ``Endpoint``: no password, no token); the
    page and the API show it so the admin can re-apply their changes.
    """

    safe_message = "Refused: the endpoint was changed by someone else (revision conflict)."

    def __init__(self, current: Endpoint, expected_revision: int):
        super().__init__(MSG_ENDPOINT_CONFLICT, current=current)
        self.expected_revision = expected_revision


def endpoint_service(service):
    """The endpoint services' edge: rule errors become ``InvalidInput`` (field errors), a missing secret
    ``EndpointNotFound`` and every other client error a ``ConnectorError`` (connector/services/failures.py).
    Outside the ``audited`` blocks, so audit rows still name what really happened."""

    @functools.wraps(service)
    def wrapped(*args, **kwargs):
        try:
            return service(*args, **kwargs)
        except ValidationError as exc:
            raise InvalidInput(MSG_REFUSED_CHANGE, field_errors=exc.message_dict if hasattr(exc, "error_dict")
                               else {NON_FIELD: exc.messages}) from exc
        except NotFound:
            raise EndpointNotFound() from None
        except SecretServerError as exc:
            raise secretserver_failure(exc) from exc

    return wrapped


def _from_revision(expected_revision: int | None) -> str:
    """The intent row's message: which revision the caller's change was based on, if it said."""
    return "" if expected_revision is None else f"from revision {expected_revision}"


def _revision_check(current: Endpoint, expected_revision: int | None) -> None:
    """Raise ``EndpointConflict`` when the caller gave a revision and Secret Server holds another one.

    Call it inside the ``audited`` block, before any Secret Server write: the refusal is then one
    "failure" outcome row. ``None`` (clients that send no revision) skips the check.
    """
    if expected_revision is not None and expected_revision != current.revision:
        raise EndpointConflict(current, expected_revision)


# --- the endpoint as stored in Secret Server -------------------------------------------------------------

@dataclass(frozen=True)
class Endpoint:
    """An endpoint read from Secret Server (no password: forms never prefill it)."""

    ss_secret_id: int
    name: str
    url: str
    username: str
    active: bool = True
    token_id: str | None = None
    token_hash: str = field(default="", repr=False)
    token_prefix: str = ""
    token_issued_at: datetime | None = None
    token_expires_at: datetime | None = None
    permission_mappings: list = field(default_factory=list)
    revision: int = 0
    has_password: bool = False
    allow_sensitive_reads: bool = False  # issue 12: SCIM may read sensitive secret values (GetFields)

    @property
    def has_token(self) -> bool:
        return bool(self.token_id and self.token_hash)

    @property
    def mapping_count(self) -> int:
        return len(self.permission_mappings)

    def audit_view(self) -> dict:
        """What the audit trail records: no password, no hash (a hash is as good as a lookup key)."""
        return {"name": self.name, "url": self.url, "username": self.username,
                "tokenPrefix": self.token_prefix, "tokenExpiresAt": self.token_expires_at,
                "permissionMappings": self.permission_mappings, "revision": self.revision,
                "allowSensitiveReads": self.allow_sensitive_reads}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _notes_document(*, token_id, token_hash, token_prefix, issued_at, expires_at, mappings, revision,
                    allow_sensitive_reads: bool = False) -> str:
    return json.dumps({"allowSensitiveReads": bool(allow_sensitive_reads),
        "schema": NOTES_SCHEMA, "version": NOTES_VERSION, "tokenId": token_id, "tokenHash": token_hash,
        "tokenPrefix": token_prefix, "tokenIssuedAt": _iso(issued_at), "tokenExpiresAt": _iso(expires_at),
        "tokenType": TOKEN_TYPE, "permissionMappings": mappings, "revision": revision,
    }, sort_keys=True)


def _parse_notes(text: str | None) -> dict:
    """The notes document, or {} when it is empty, foreign (e.g. the vendor's format) or broken."""
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    if not isinstance(data, dict) or data.get("schema") != NOTES_SCHEMA:
        return {}
    return data


def endpoint_from_secret(secret: Secret) -> Endpoint:
    notes = _parse_notes(secret.field("notes"))
    token_id = notes.get("tokenId") if isinstance(notes.get("tokenId"), str) else None
    token_hash = notes.get("tokenHash") if isinstance(notes.get("tokenHash"), str) else ""
    mappings = notes.get("permissionMappings")
    mappings = [m for m in mappings if isinstance(m, dict)] if isinstance(mappings, list) else []
    revision = notes.get("revision")
    return Endpoint(
        ss_secret_id=secret.id, name=secret.name, url=secret.field("url") or "",
        username=secret.field("username") or "", active=secret.active,
        token_id=token_id if token_id and token_hash else None, token_hash=token_hash if token_id else "",
        token_prefix=str(notes.get("tokenPrefix") or "")[:32],
        token_issued_at=parse_datetime(notes.get("tokenIssuedAt")),
        token_expires_at=parse_datetime(notes.get("tokenExpiresAt")),
        permission_mappings=mappings, revision=revision if isinstance(revision, int) else 0,
        has_password=bool(secret.field("password")),
        allow_sensitive_reads=notes.get("allowSensitiveReads") is True,
    )


def _mirror_values(endpoint: Endpoint) -> dict:
    return {"name": endpoint.name, "url": endpoint.url, "username": endpoint.username,
            "token_id": endpoint.token_id, "token_hash": endpoint.token_hash, "token_prefix": endpoint.token_prefix,
            "token_issued_at": endpoint.token_issued_at, "token_expires_at": endpoint.token_expires_at,
            "permission_mappings": endpoint.permission_mappings, "revision": endpoint.revision,
            "allow_sensitive_reads": endpoint.allow_sensitive_reads,
            "active": endpoint.active, "synced_at": timezone.now()}


def _mirror_upsert(endpoint: Endpoint) -> EndpointMirror:
    if endpoint.token_id:  # a token id belongs to one endpoint; a copied secret loses it locally
        EndpointMirror.objects.filter(token_id=endpoint.token_id).exclude(
            ss_secret_id=endpoint.ss_secret_id).update(token_id=None, token_hash="")
    mirror, _ = EndpointMirror.objects.update_or_create(ss_secret_id=endpoint.ss_secret_id,
                                                        defaults=_mirror_values(endpoint))
    endpoint_tokens_changed()  # tokens verified before this write are checked again on their next use
    return mirror


# --- validation ------------------------------------------------------------------------------------------

def endpoint_mappings_clean(mappings) -> tuple[list[dict], list[str]]:
    """Normalised mappings and error messages. Several values may share a role; a value maps once per type."""
    cleaned, errors, seen = [], [], set()
    if mappings is None:
        return [], []
    if not isinstance(mappings, list | tuple):
        return [], ["Permission mappings must be a list."]
    for n, raw in enumerate(mappings, start=1):
        if not isinstance(raw, dict):
            errors.append(f"Mapping {n}: expected type, value and role.")
            continue
        kind = str(raw.get("type") or "").strip()
        value = str(raw.get("value") or "").strip()
        role = str(raw.get("role") or "").strip()
        if kind not in MAPPING_TYPES:
            errors.append(f"Mapping {n}: type must be Container or PrivilegedData.")
            continue
        if not value:
            errors.append(f"Mapping {n}: enter the endpoint value (for example admin).")
        elif len(value) > 255:
            errors.append(f"Mapping {n}: the value is at most 255 characters.")
        if role not in MAPPING_ROLES[kind]:
            errors.append(f"Mapping {n}: role for {kind} must be one of {', '.join(MAPPING_ROLES[kind])}.")
        key = (kind, value.lower())
        if value and key in seen:
            errors.append(f"Mapping {n}: {kind} value {value!r} is already mapped.")
        seen.add(key)
        cleaned.append({"type": kind, "value": value, "role": role})
    return cleaned, errors


RESERVED_NAME_PREFIXES = ("scimsecret", "scimauditanchor")
"""Beginnings of the connector's own secrets' names (``SCIMSecret {host}``, ``SCIMAuditAnchor {host}``):
an endpoint named so could be mistaken for them (and, before the adoption rule, be adopted and shared)."""


def name_is_reserved(name: str) -> bool:
    """Case-insensitive, whatever follows (``SCIMSecret other-host``, ``scimauditanchor``, ``SCIMSecret-x``)."""
    return (name or "").strip().casefold().startswith(RESERVED_NAME_PREFIXES)


def _validate(*, name, url, username, password, password_required, settings: ConnectorSettings,
              taken_names: set[str], mappings) -> tuple[dict, list[dict]]:
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    url = (url or "").strip()
    if not name:
        errors["name"] = [MSG_NAME_REQUIRED]
    elif len(name) > 255:
        errors["name"] = ["Endpoint names are at most 255 characters."]
    elif name_is_reserved(name):
        errors["name"] = [MSG_ENDPOINT_NAME_RESERVED]
    elif name.lower() in taken_names:
        errors["name"] = [MSG_NAME_TAKEN]
    if not url:
        errors["url"] = [MSG_URL_INVALID]
    else:
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError:
            errors["url"] = [MSG_URL_INVALID]
        else:
            if url.lower().startswith("http://") and not settings.allow_http_endpoints:
                errors["url"] = [MSG_URL_HTTPS]
    if not (username or "").strip():
        errors["username"] = [MSG_USERNAME_REQUIRED]
    if password_required and not password:
        errors["password"] = [MSG_PASSWORD_REQUIRED]
    cleaned, mapping_errors = endpoint_mappings_clean(mappings)
    if mapping_errors:
        errors["permission_mappings"] = mapping_errors
    return errors, cleaned


def _active_names(client: SecretServerClient, bootstrap, *, exclude_id: int | None = None) -> set[str]:
    """Lower-cased names of the active endpoints, fresh from Secret Server (not the mirror)."""
    return {s.name.strip().lower() for s in client.search_secrets(folder_id=bootstrap.folder_id)
            if s.active and s.id not in (bootstrap.scim_secret_id, exclude_id)}


# --- reads -----------------------------------------------------------------------------------------------

def _endpoint_secret(client: SecretServerClient, bootstrap, secret_id: int) -> Secret:
    try:
        secret_id = int(secret_id)
    except (TypeError, ValueError):
        raise EndpointNotFound() from None
    if secret_id == bootstrap.scim_secret_id:
        raise EndpointNotFound()
    try:
        secret = client.get_secret(secret_id)
    except ApprovalRequired:
        raise
    except (NotFound, AccessDenied):  # Secret Server answers unknown and deleted ids with Access Denied
        raise EndpointNotFound() from None
    if not secret.active or secret.folder_id != bootstrap.folder_id or is_connector_secret(secret, bootstrap):
        raise EndpointNotFound()
    return secret


@endpoint_service
def endpoint_get(secret_id: int) -> Endpoint:
    """One endpoint fresh from Secret Server (edit forms must not show a stale copy)."""
    bootstrap = bootstrap_require()
    return endpoint_from_secret(_endpoint_secret(app_client(bootstrap), bootstrap, secret_id))


def endpoint_sync(client: SecretServerClient | None = None, bootstrap=None) -> dict[str, int]:
    """Rebuild ``EndpointMirror`` from the secrets in the SCIM folder; returns counts.

    Edits made directly in Secret Server show up; endpoints deleted (deactivated) there, or moved out of
    the folder, are deactivated locally with their token hash cleared so their tokens stop working.
    """
    bootstrap = bootstrap or bootstrap_require()
    client = client or app_client(bootstrap)
    summaries = [s for s in client.search_secrets(folder_id=bootstrap.folder_id)
                 if s.active and not is_connector_secret(s, bootstrap)]
    endpoints = []
    for summary in summaries:
        try:
            secret = client.get_secret(summary.id)
        except (NotFound, AccessDenied):  # gone or unshared since the search: not an endpoint we can serve
            continue
        if secret.active and secret.folder_id == bootstrap.folder_id:
            endpoints.append(endpoint_from_secret(secret))
    counts = {"created": 0, "updated": 0, "unchanged": 0, "deactivated": 0}
    seen = set()
    with transaction.atomic():
        mirrored = {m.ss_secret_id: m for m in EndpointMirror.objects.all()}  # one query, not one per endpoint
        for endpoint in endpoints:
            seen.add(endpoint.ss_secret_id)
            existing = mirrored.get(endpoint.ss_secret_id)
            if existing is None:
                counts["created"] += 1
            elif _same(existing, endpoint):
                counts["unchanged"] += 1
                continue
            else:
                counts["updated"] += 1
            _mirror_upsert(endpoint)
        counts["deactivated"] = EndpointMirror.objects.filter(active=True).exclude(
            ss_secret_id__in=seen).update(active=False, token_hash="", token_id=None, synced_at=timezone.now())
        if counts["deactivated"]:
            endpoint_tokens_changed()
    return counts


def endpoint_mirror_sync(client: SecretServerClient, bootstrap, progress) -> dict[str, int]:
    """``SYNC_STEPS`` adapter for ``manage.py sync_connector``: counts prefixed ``endpoints_``."""
    counts = endpoint_sync(client, bootstrap)
    progress.total = sum(counts.values())
    progress.update(progress.total)
    return {f"endpoints_{key}": value for key, value in counts.items()}


def _same(mirror: EndpointMirror, endpoint: Endpoint) -> bool:
    values = _mirror_values(endpoint)
    values.pop("synced_at")
    return all(getattr(mirror, k) == v for k, v in values.items())


ENDPOINT_REFRESH_KEY = "connector:endpoints:refreshed"
ENDPOINT_REFRESH_SECONDS = 30


@endpoint_service
def endpoint_list(*, sync: bool = True, full: bool = False):
    """Active endpoints from the mirror (raises ConnectorError when Secret Server fails).

    ``full``: every endpoint secret re-read now (the page's "Refresh from Secret Server" button; N + 1 calls).
    Otherwise (``sync``) the mirror is brought up to date at most every ``ENDPOINT_REFRESH_SECONDS`` across
    workers by ``endpoint_refresh_changed`` (one search, plus one read per new or renamed endpoint), so
    opening the list costs O(1) Secret Server calls whatever the number of endpoints. The connector's own
    writes update the mirror at once.
    """
    if full:
        endpoint_sync()
    elif sync:
        endpoint_refresh_if_due()
    return endpoint_mirror_list()


def endpoint_refresh_if_due() -> bool:
    """Run ``endpoint_refresh_changed`` unless some worker did within the window; True if it ran."""
    key = f"{ENDPOINT_REFRESH_KEY}:{bootstrap_version()}"
    if not cache.add(key, True, ENDPOINT_REFRESH_SECONDS):
        return False
    try:
        endpoint_refresh_changed()
    except BaseException:
        cache.delete(key)  # a failed refresh is retried by the next open, not 30 s later
        raise
    return True


def endpoint_refresh_changed(client: SecretServerClient | None = None, bootstrap=None) -> dict[str, int]:
    """Bring the mirror up to date reading only what changed: one search of the SCIM folder, then one read
    per endpoint that is new (or re-activated) or renamed; endpoints gone from the folder are deactivated.

    Edits that keep the name (URL, user name, token made directly in Secret Server) are invisible to the
    search (its summaries carry no modification time): the full ``endpoint_sync`` (Refresh button,
    ``manage.py sync_connector``) picks them up.
    """
    bootstrap = bootstrap or bootstrap_require()
    client = client or app_client(bootstrap)
    summaries = {s.id: s for s in client.search_secrets(folder_id=bootstrap.folder_id)
                 if s.active and not is_connector_secret(s, bootstrap)}
    known = {m["ss_secret_id"]: m for m in EndpointMirror.objects.values("ss_secret_id", "name", "active")}
    counts = {"created": 0, "updated": 0, "deactivated": 0}
    for secret_id, summary in summaries.items():
        mirror = known.get(secret_id)
        if _mirror_matches(mirror, summary):
            continue
        if _mirror_reread(client, bootstrap, secret_id):
            counts["created" if mirror is None else "updated"] += 1
    counts["deactivated"] = _mirror_deactivate_gone(known, summaries)
    return counts


def _mirror_deactivate_gone(known: dict, summaries: dict) -> int:
    """Deactivate the active mirror rows the folder search no longer shows, dropping their tokens; the count."""
    gone = [i for i, m in known.items() if m["active"] and i not in summaries]
    if not gone:
        return 0
    deactivated = EndpointMirror.objects.filter(ss_secret_id__in=gone, active=True).update(
        active=False, token_hash="", token_id=None, synced_at=timezone.now())
    if deactivated:
        endpoint_tokens_changed()  # their tokens, remembered as valid, are checked again on their next use
    return deactivated


def _mirror_matches(mirror: dict | None, summary) -> bool:
    """Does the mirror row look current by what a search shows (active, same name)? Then no read is needed."""
    return mirror is not None and mirror["active"] and mirror["name"] == summary.name


def _mirror_reread(client: SecretServerClient, bootstrap, secret_id: int) -> bool:
    """Read one endpoint secret into the mirror; False when it is gone, unshared, inactive or moved away
    since the search (the deactivation pass, not this read, handles those)."""
    try:
        secret = client.get_secret(secret_id)
    except (NotFound, AccessDenied):  # gone or unshared since the search
        return False
    if not (secret.active and secret.folder_id == bootstrap.folder_id):
        return False
    _mirror_upsert(endpoint_from_secret(secret))
    return True


# --- writes ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class EndpointResult:
    endpoint: Endpoint
    token: IssuedToken | None = None  # set only when a new token was generated (shown once)
    confirmed_late: bool = False  # Secret Server's answer was lost; a re-read found the change applied


def _late(message: str, late: bool) -> str:
    return f"{message} {MSG_CONFIRMED_LATE}" if late else message


def _reread(client: SecretServerClient, secret_id: int) -> Endpoint | None:
    """The endpoint as Secret Server holds it now, or None when it is gone (deleted, moved, unshared)."""
    try:
        secret = client.get_secret(secret_id)
    except (NotFound, AccessDenied):
        return None
    return endpoint_from_secret(secret) if secret.active else None


def _landed(client: SecretServerClient, secret_id: int, *, revision: int, token_id: str | None,
            name: str | None = None):
    """A ``confirm`` for ``write_reconciled``: the endpoint if it now holds this revision and token id."""
    def confirm():
        seen = _reread(client, secret_id)
        if seen is None or seen.revision != revision or seen.token_id != token_id:
            return None
        return seen if name is None or seen.name == name else None
    return confirm


def _mirror_and_record(audit, endpoint: Endpoint, *, message: str = "") -> None:
    """Mirror row + outcome row in one transaction; a failure here means Secret Server already changed."""
    try:
        with transaction.atomic():
            mirror = _mirror_upsert(endpoint)
            audit.record(target_id=endpoint.ss_secret_id, target_repr=endpoint.name,
                         after=endpoint.audit_view(), message=message or "")
            return mirror
    except Exception as exc:
        logger.error("endpoint %s: Secret Server updated but the mirror write failed (%s)",
                     endpoint.ss_secret_id, type(exc).__name__)
        raise EndpointMirrorFailed() from exc


@endpoint_service
@serialized_write
def endpoint_create(*, actor=None, request=None, name: str, url: str, username: str, password: str,
                    permission_mappings=None, allow_sensitive_reads: bool = False) -> EndpointResult:
    """Create the endpoint secret with a new token; the result carries the token to show once."""
    bootstrap = bootstrap_require()
    client = app_client(bootstrap)
    with audited(action="endpoint.create", actor=actor, request=request, target_type="endpoint",
                 target_repr=(name or "")[:200]) as audit:
        settings = configuration_service.settings_current()
        errors, mappings = _validate(name=name, url=url, username=username, password=password,
                                     password_required=True, settings=settings,
                                     taken_names=_active_names(client, bootstrap), mappings=permission_mappings)
        if errors:
            raise ValidationError(errors)
        token = token_generate(settings.endpoint_token_days)
        notes = _notes_document(token_id=token.token_id, token_hash=token.hash, token_prefix=token.prefix,
                                issued_at=token.issued_at, expires_at=token.expires_at, mappings=mappings,
                                revision=1, allow_sensitive_reads=bool(allow_sensitive_reads))
        stub = client.secret_stub(WEB_PASSWORD_TEMPLATE_ID, bootstrap.folder_id)

        def created():
            for summary in client.search_secrets(folder_id=bootstrap.folder_id):
                if summary.active and summary.name == name.strip():
                    seen = _landed(client, summary.id, revision=1, token_id=token.token_id)()
                    if seen is not None:
                        return seen
            return None

        result, late = write_reconciled(lambda: client.create_secret(
            stub, name=name.strip(), folder_id=bootstrap.folder_id, fields={
                "url": url.strip(), "username": username.strip(), "password": password, "notes": notes}), created)
        endpoint = result if late else endpoint_from_secret(result)
        _mirror_and_record(audit, endpoint, message=_late("Endpoint created with a new token." + (
            " " + MSG_SENSITIVE_ON if endpoint.allow_sensitive_reads else ""), late))
    return EndpointResult(endpoint, token, confirmed_late=late)


@endpoint_service
@serialized_write
def endpoint_update(secret_id: int, *, actor=None, request=None, name: str | None = None, url: str | None = None,
                    username: str | None = None, password: str | None = None,
                    permission_mappings=None, expected_revision: int | None = None,
                    allow_sensitive_reads: bool | None = None) -> EndpointResult:
    """Full PUT of the secret with the changed values. ``None`` keeps a value; a blank password keeps it too.

    ``expected_revision`` is the revision the caller's values were based on (the edit form's hidden field,
    the API's ``revision``); when Secret Server holds another one, ``EndpointConflict`` (carrying the
    current endpoint) is raised before anything is written. ``None`` skips the check (older API clients).
    An endpoint without a token (e.g. created in Secret Server by hand) gets one on save.
    """
    bootstrap = bootstrap_require()
    client = app_client(bootstrap)
    secret = _endpoint_secret(client, bootstrap, secret_id)  # a read: nothing to audit if it fails
    current = endpoint_from_secret(secret)
    with audited(action="endpoint.update", actor=actor, request=request, target_type="endpoint",
                 target_id=secret.id, target_repr=current.name, before=current.audit_view(),
                 message=_from_revision(expected_revision)) as audit:
        _revision_check(current, expected_revision)
        settings = configuration_service.settings_current()
        name = current.name if name is None else name
        url = current.url if url is None else url
        username = current.username if username is None else username
        mappings_in = current.permission_mappings if permission_mappings is None else permission_mappings
        errors, mappings = _validate(name=name, url=url, username=username, password=password,
                                     password_required=not current.has_password, settings=settings,
                                     taken_names=_active_names(client, bootstrap, exclude_id=secret.id),
                                     mappings=mappings_in)
        if errors:
            raise ValidationError(errors)
        token = None if current.has_token else token_generate(settings.endpoint_token_days)
        token_fields = _token_fields(token, current)
        sensitive = current.allow_sensitive_reads if allow_sensitive_reads is None else bool(allow_sensitive_reads)
        notes = _notes_document(**token_fields, mappings=mappings, revision=current.revision + 1,
                                allow_sensitive_reads=sensitive)
        values = {"url": url.strip(), "username": username.strip(), "notes": notes}
        if password:
            values["password"] = password
        result, late = write_reconciled(
            lambda: client.update_secret(secret.with_values(name=name.strip(), **values)),
            _landed(client, secret.id, revision=current.revision + 1, token_id=token_fields["token_id"],
                    name=name.strip()))
        endpoint = result if late else endpoint_from_secret(result)
        _mirror_and_record(audit, endpoint, message=_late(_update_message(current, endpoint, token), late))
    return EndpointResult(endpoint, token, confirmed_late=late)


def _token_fields(token: IssuedToken | None, current: Endpoint) -> dict:
    """The token the saved notes carry: the one just generated, else the endpoint's own, unchanged."""
    if token is None:
        return {"token_id": current.token_id, "token_hash": current.token_hash,
                "token_prefix": current.token_prefix, "issued_at": current.token_issued_at,
                "expires_at": current.token_expires_at}
    return {"token_id": token.token_id, "token_hash": token.hash, "token_prefix": token.prefix,
            "issued_at": token.issued_at, "expires_at": token.expires_at}


def _update_message(current: Endpoint, endpoint: Endpoint, token: IssuedToken | None) -> str:
    """The outcome line: whether a token was generated, and the sensitive-reads switch when it flipped."""
    message = "Endpoint updated; a token was generated." if token else "Endpoint updated."
    if endpoint.allow_sensitive_reads != current.allow_sensitive_reads:
        message += " " + (MSG_SENSITIVE_ON if endpoint.allow_sensitive_reads else MSG_SENSITIVE_OFF)
    return message


@endpoint_service
@serialized_write
def endpoint_token_regenerate(secret_id: int, *, actor=None, request=None,
                              expected_revision: int | None = None) -> EndpointResult:
    """Replace the token; the old one fails from the moment the mirror row (and outcome row) commit.

    ``expected_revision``: as for ``endpoint_update`` (a stale one raises ``EndpointConflict``, no write).
    """
    bootstrap = bootstrap_require()
    client = app_client(bootstrap)
    secret = _endpoint_secret(client, bootstrap, secret_id)
    current = endpoint_from_secret(secret)
    with audited(action="endpoint.token_generate", actor=actor, request=request, target_type="endpoint",
                 target_id=secret.id, target_repr=current.name, before=current.audit_view(),
                 message=_from_revision(expected_revision)) as audit:
        _revision_check(current, expected_revision)
        token = token_generate(configuration_service.settings_current().endpoint_token_days)
        notes = _notes_document(token_id=token.token_id, token_hash=token.hash, token_prefix=token.prefix,
                                issued_at=token.issued_at, expires_at=token.expires_at,
                                mappings=current.permission_mappings, revision=current.revision + 1,
                                allow_sensitive_reads=current.allow_sensitive_reads)
        _, late = write_reconciled(lambda: client.update_secret_field(secret.id, "notes", notes),
                                   _landed(client, secret.id, revision=current.revision + 1, token_id=token.token_id))
        endpoint = endpoint_from_secret(secret.with_values(notes=notes))
        _mirror_and_record(audit, endpoint, message=_late(
            "New token generated; the previous token no longer works.", late))
    return EndpointResult(endpoint, token, confirmed_late=late)


@endpoint_service
@serialized_write
def endpoint_delete(secret_id: int, *, actor=None, request=None, expected_revision: int | None = None) -> None:
    """Deactivate the secret in Secret Server, then deactivate the mirror row and drop its token hash.

    ``expected_revision``: as for ``endpoint_update`` (a stale one raises ``EndpointConflict``, no write).
    """
    bootstrap = bootstrap_require()
    client = app_client(bootstrap)
    current = endpoint_from_secret(_endpoint_secret(client, bootstrap, secret_id))
    with audited(action="endpoint.delete", actor=actor, request=request, target_type="endpoint",
                 target_id=current.ss_secret_id, target_repr=current.name, before=current.audit_view(),
                 message=_from_revision(expected_revision)) as audit:
        _revision_check(current, expected_revision)
        _, late = write_reconciled(lambda: client.delete_secret(current.ss_secret_id),
                                   lambda: True if _reread(client, current.ss_secret_id) is None else None)
        try:
            with transaction.atomic():
                EndpointMirror.objects.filter(ss_secret_id=current.ss_secret_id).update(
                    active=False, token_id=None, token_hash="", synced_at=timezone.now())
                endpoint_tokens_changed()
                audit.record(target_id=current.ss_secret_id, target_repr=current.name,
                             message=_late("Endpoint deleted (deactivated in Secret Server); its token no longer "
                                           "works.", late))
        except Exception as exc:
            logger.error("endpoint %s: deleted in Secret Server but the mirror write failed (%s)",
                         current.ss_secret_id, type(exc).__name__)
            raise EndpointMirrorFailed() from exc
