"""The audit chain's head, published off-box: a secret in the SCIM folder of Secret Server.

Why
---
``verify_audit`` catches edits and deleted middle rows on its own, but a deleted *tail* leaves a perfectly
valid, shorter chain. Only a head recorded somewhere the connector's database cannot rewrite catches it.
``manage.py audit_anchor`` (hourly, from cron, even when nothing happened: like CloudTrail's empty digests)
writes the head into the secret ``SCIMAuditAnchor {hostname}``; ``manage.py verify_audit
--anchor-from-secret-server`` reads it back and requires the local chain to still contain it. Secret Server
keeps its own audit of every change to that secret, and the notes carry the last ``HISTORY_SIZE`` anchors and
the previous anchor's seq, so rolling the anchor back is visible too.

Public API
----------
``audit_anchor_publish(*, client=None, allow_rollback=False) -> AuditAnchor | None``
``audit_anchor_fetch(*, client=None) -> AuditAnchor | None``
``audit_anchor_record_fetch(*, client=None) -> AnchorRecord | None``   (with time, previous seq, history)
Errors: ``AuditAnchorError`` and its subclasses (each with a ``safe_message`` fit for a person or a log).

The head and the publish's own audit row
----------------------------------------
Every publish writes one ``audit.anchor`` row, which itself moves the head. We anchor **the head as it was
before that row**, and write the row only after Secret Server accepted the anchor:

1. read the head ``H`` (seq n) -- no lock held across the network call;
2. write ``H`` to Secret Server;
3. append the row ``audit.anchor`` (seq > n) whose ``after`` is exactly what was published.

So the published anchor always names a row that was committed locally before Secret Server was touched:
verification against it can never report a false "tail deleted" (which "write the row, then anchor it"
would, whenever the row's transaction failed to commit after the remote write, or would avoid only by
holding the chain's write lock -- blocking every audited action -- across an HTTP call). The chain itself
records each anchor it was given (the row's ``after``), and the next publish anchors a head at or past that
row, so the row is covered an hour later, like any other row. When idle, the head therefore moves by
exactly one row per publish (the previous publish's row), and the time is refreshed each time.

A Secret Server failure raises ``AuditAnchorUnavailable`` and changes nothing locally (no row). If the anchor
was written but the row could not be, ``AuditAnchorNotRecorded`` says so (the anchor is still valid).
Before publishing, the previous anchor must still be in the local chain; otherwise ``AuditAnchorRollback``
(refusing to overwrite the evidence of a deleted tail) unless ``allow_rollback=True`` (after a deliberate
restore from backup); the history keeps the older anchors either way.
"""
from __future__ import annotations

import json
import logging
import secrets as pysecrets
from dataclasses import dataclass
from datetime import UTC, datetime

from django.core.cache import cache

from connector.models import AuditEvent
from connector.secretserver import SecretServerClient, SecretServerError
from connector.services.audit import AuditAnchor, AuditWriteError, audit_anchor, audit_record
from connector.services.connection import (
    WEB_PASSWORD_TEMPLATE_ID,
    ConnectorNotConfigured,
    app_client,
    audit_anchor_secret_name,
    bootstrap_require,
)
from connector.services.locks import WritesBusy, secretserver_write_lock

logger = logging.getLogger(__name__)

__all__ = [
    "ANCHOR_CACHE_KEY",
    "AnchorRecord",
    "AuditAnchorError",
    "AuditAnchorInvalid",
    "AuditAnchorNotConfigured",
    "AuditAnchorNotRecorded",
    "AuditAnchorRollback",
    "AuditAnchorUnavailable",
    "audit_anchor_fetch",
    "audit_anchor_publish",
    "audit_anchor_record_fetch",
]

SCHEMA = "scim-connector-audit-anchor"
VERSION = 1
HISTORY_SIZE = 48  # two days of hourly anchors
ANCHOR_USERNAME = "audit-anchor"
ACTION = "audit.anchor"
# The last published anchor as the audit page shows it (refreshed by every publish from this host).
ANCHOR_CACHE_KEY = "connector:audit:anchor-published"


class AuditAnchorError(Exception):
    """Publishing or reading the anchor failed; ``safe_message`` says why, without secrets."""

    safe_message = "The audit anchor could not be published or read."

    def __init__(self, message: str | None = None):
        if message:
            self.safe_message = message
        super().__init__(self.safe_message)


class AuditAnchorNotConfigured(AuditAnchorError):
    safe_message = "Secret Server is not configured yet: there is no SCIM folder to hold the audit anchor."


class AuditAnchorUnavailable(AuditAnchorError):
    """Secret Server refused or could not be reached. Nothing was changed locally."""


class AuditAnchorInvalid(AuditAnchorError):
    """The anchor secret's notes are not an anchor document (edited by hand, or another secret)."""


class AuditAnchorRollback(AuditAnchorError):
    """The previous anchor is no longer in the local chain: publishing would hide a deleted tail."""


class AuditAnchorNotRecorded(AuditAnchorError):
    """The anchor was published but its audit row could not be written."""


@dataclass(frozen=True)
class AnchorRecord:
    """The anchor document as stored in the secret's notes."""

    anchor: AuditAnchor
    at: datetime
    previous_seq: int | None
    history: tuple[dict, ...]
    secret_id: int

    def to_json(self) -> str:
        return _document(self.anchor, self.at, self.previous_seq, list(self.history))


def _iso(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _document(anchor: AuditAnchor, at: datetime, previous_seq: int | None, history: list[dict]) -> str:
    return json.dumps({"schema": SCHEMA, "version": VERSION, "seq": anchor.seq, "rowHash": anchor.row_hash,
                       "at": _iso(at), "previousSeq": previous_seq, "history": history},
                      sort_keys=True, indent=1)


def _parse(text: str | None, secret_id: int) -> AnchorRecord | None:
    """None for empty notes (a secret created but never written); AuditAnchorInvalid for anything else."""
    if not (text or "").strip():
        return None
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("schema") != SCHEMA or data.get("version") != VERSION:
            raise ValueError("not an audit anchor document")
        anchor = AuditAnchor.parse(f"{int(data['seq'])}:{data['rowHash']}")
        at = datetime.fromisoformat(str(data["at"]).replace("Z", "+00:00"))
        previous = data.get("previousSeq")
        history = data.get("history") or []
        if not isinstance(history, list):
            raise ValueError("history is not a list")
        return AnchorRecord(anchor, at, int(previous) if previous is not None else None,
                            tuple(h for h in history if isinstance(h, dict)), secret_id)
    except (ValueError, TypeError, KeyError) as exc:
        raise AuditAnchorInvalid(f"The notes of '{audit_anchor_secret_name()}' in Secret Server are not an audit "
                                 f"anchor document ({exc}).") from None


def _unavailable(exc: SecretServerError, doing: str) -> AuditAnchorUnavailable:
    reason = getattr(exc, "product_message", None) or type(exc).__name__
    return AuditAnchorUnavailable(f"Secret Server could not {doing} the audit anchor: {reason}. "
                                  "Nothing was changed locally.")


def _context(client: SecretServerClient | None):
    try:
        bootstrap = bootstrap_require()
    except ConnectorNotConfigured:
        raise AuditAnchorNotConfigured() from None
    return bootstrap, client or app_client(bootstrap)


def _find(client: SecretServerClient, bootstrap) -> int | None:
    name = audit_anchor_secret_name(bootstrap.hostname or None)
    found = [s for s in client.search_secrets(folder_id=bootstrap.folder_id, search_text=name)
             if s.name == name and s.active and s.folder_id == bootstrap.folder_id]
    return min(s.id for s in found) if found else None  # the oldest one if someone made a second


def _read(client: SecretServerClient, bootstrap) -> AnchorRecord | None:
    secret_id = _find(client, bootstrap)
    if secret_id is None:
        return None
    return _parse(client.get_secret_field(secret_id, "notes"), secret_id)


def audit_anchor_record_fetch(*, client: SecretServerClient | None = None) -> AnchorRecord | None:
    """The published anchor with its time and history, or None when none was published yet."""
    bootstrap, client = _context(client)
    try:
        return _read(client, bootstrap)
    except SecretServerError as exc:
        raise _unavailable(exc, "read") from exc


def audit_anchor_fetch(*, client: SecretServerClient | None = None) -> AuditAnchor | None:
    """The published head (seq, row_hash), or None when none was published yet."""
    record = audit_anchor_record_fetch(client=client)
    return record.anchor if record else None


def _still_in_chain(anchor: AuditAnchor) -> bool:
    return AuditEvent.objects.filter(seq=anchor.seq, row_hash=anchor.row_hash).exists()


def _refuse_rollback(previous: AnchorRecord, head: AuditAnchor) -> None:
    """Raise ``AuditAnchorRollback`` when the published anchor is no longer in the local chain."""
    if not _still_in_chain(previous.anchor):
        raise AuditAnchorRollback(
            f"The anchor in Secret Server (seq {previous.anchor.seq}, published {_iso(previous.at)}) is "
            f"no longer in the local audit chain (head seq {head.seq}): rows were deleted or the "
            "database was restored. Run verify_audit --anchor-from-secret-server; after a deliberate "
            "restore, publish with --allow-rollback.")


def _store(client: SecretServerClient, bootstrap, secret_id: int | None, name: str, document: str) -> int:
    """Write the anchor document into the anchor secret (found, or created now); returns its id."""
    secret_id = secret_id if secret_id is not None else _find(client, bootstrap)
    if secret_id is not None:  # the published one, or one that exists with empty notes
        client.update_secret_field(secret_id, "notes", document)
        return secret_id
    stub = client.secret_stub(WEB_PASSWORD_TEMPLATE_ID, bootstrap.folder_id)
    return client.create_secret(stub, name=name, folder_id=bootstrap.folder_id, fields={
        "url": f"scim-connector://{bootstrap.hostname or name.split(' ', 1)[1]}",
        "username": ANCHOR_USERNAME,
        # Not a secret: the template requires a password; the anchor is public evidence.
        "password": pysecrets.token_urlsafe(24),
        "notes": document}).id


def audit_anchor_publish(*, client: SecretServerClient | None = None, allow_rollback: bool = False,
                         actor_name: str = "audit-anchor") -> AuditAnchor | None:
    """Publish the current head to Secret Server, then write one ``audit.anchor`` row; returns the anchor.

    Returns None (and publishes nothing) when the trail is empty. See the module docstring for why the
    anchored head is the one *before* this publish's own row.
    """
    bootstrap, client = _context(client)
    head = audit_anchor()
    if head is None:
        return None
    now = datetime.now(UTC)
    name = audit_anchor_secret_name(bootstrap.hostname or None)
    try:
        with secretserver_write_lock():  # one read-modify-write of the history at a time
            previous = _read(client, bootstrap)
            if previous is not None and not allow_rollback:
                _refuse_rollback(previous, head)
            history = [{"seq": head.seq, "rowHash": head.row_hash, "at": _iso(now)}]
            if previous is not None:
                history += [h for h in previous.history][: HISTORY_SIZE - 1]
            document = _document(head, now, previous.anchor.seq if previous else None, history[:HISTORY_SIZE])
            secret_id = _store(client, bootstrap, previous.secret_id if previous else None, name, document)
    except WritesBusy:
        raise AuditAnchorUnavailable("Another write to Secret Server is in progress; the audit anchor was not "
                                     "published. Try again in a minute.") from None
    except SecretServerError as exc:
        raise _unavailable(exc, "store") from exc

    record = AnchorRecord(head, now, previous.anchor.seq if previous else None, tuple(history), secret_id)
    cache.set(ANCHOR_CACHE_KEY, {"seq": head.seq, "row_hash": head.row_hash, "at": now}, 300)
    rollback = previous is not None and previous.anchor.seq > head.seq
    try:
        audit_record(action=ACTION, outcome="success", actor_name=actor_name, target_type="secret",
                     target_id=secret_id, target_repr=name,
                     before={"seq": previous.anchor.seq, "rowHash": previous.anchor.row_hash} if previous else None,
                     after={"seq": head.seq, "rowHash": head.row_hash, "at": _iso(now),
                            "previousSeq": record.previous_seq},
                     message=("Audit head anchored in Secret Server"
                              + (" (rollback accepted)." if rollback else ".")))
    except AuditWriteError as exc:
        logger.critical("audit anchor %s published to Secret Server but its audit row failed", head)
        raise AuditAnchorNotRecorded(f"The anchor {head.seq} was published to Secret Server but its audit row "
                                     "could not be written.") from exc
    return head
