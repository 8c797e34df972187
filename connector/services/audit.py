"""The audit trail's one writer, its verifier and its maintenance switch.

Public API
----------
``audit_record(*, action, outcome, ...) -> AuditEvent``
    Writes one chained row, or raises ``AuditWriteError`` (fail closed: the caller's action must not happen).
``audited(*, action, ...)``
    Context manager for the intent/outcome discipline: intent row first, body, outcome row.
``audit_chain_verify(*, anchor=None, last=None) -> ChainStatus`` / ``audit_anchor() -> AuditAnchor``
    Walk the chain (constant memory) and compare it with an anchor recorded earlier (off-box).
``audit_maintenance()``
    Lifts the append-only triggers for the current transaction. For the test harness's flush and
    migrations only; never for application code.
``audit_run(label)``
    Gives every row written inside it one fresh request id (management commands, jobs).

Putting the outcome row in the same transaction as the state change
--------------------------------------------------------------------
Use ``audited`` *outside* any transaction, so the intent row commits before the remote call; then write
the local state and the outcome row in one ``atomic()`` by calling ``handle.record()`` inside it::

    with audited(action="endpoint.create", actor=user, target_type="endpoint", request=request) as audit:
        secret = client.create_secret(...)               # vault call; if it raises -> "error"/"failure" row
        with transaction.atomic():
            mirror = EndpointMirror.objects.create(...)
            audit.record(target_id=mirror.pk, target_repr=str(mirror), after={...})  # same transaction

If the mirror write fails, the outcome row rolls back with it and ``audited`` writes an "error" row
describing the failure (the vault write did happen: say so in your exception's ``safe_message``).
Without ``handle.record()`` the outcome row ("success", with ``handle.after``/``handle.message``) is
written when the block exits normally.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import re
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, router, transaction
from django.utils import timezone

from connector import logfiles
from connector.errors import AuditFailed
from connector.messages import MSG_AUDIT_WRITE_FAILED
from connector.migrations._audit_triggers import FLAG_TABLE
from connector.models import AuditEvent, AuditOutcome
from connector.selectors import settings as settings_selectors
from scimsite.middleware import current_request, current_request_id

logger = logging.getLogger(__name__)

__all__ = [
    "AuditAnchor",
    "AuditHandle",
    "AuditWriteError",
    "ChainStatus",
    "GENESIS_HASH",
    "REDACTED",
    "audit_anchor",
    "audit_chain_verify",
    "audit_maintenance",
    "audit_record",
    "audit_redact",
    "audit_run",
    "audited",
]

GENESIS_HASH = "0" * 64
REDACTED = "[redacted]"
# pg_advisory_xact_lock key of the one chain writer ("SCIMAUD" in ASCII).
AUDIT_CHAIN_LOCK_ID = 0x53_43_49_4D_41_55_44
_KEY_LABEL = b"scim-connector/audit-chain-hmac/v1"
_ACTION_RE = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$")
_VERIFY_CHUNK = 5000

AUDIT_WRITE_FAILED = MSG_AUDIT_WRITE_FAILED


class AuditWriteError(AuditFailed):
    """The audit row could not be written. The caller must not perform (or must undo) its action."""

    safe_message = AUDIT_WRITE_FAILED


# --- redaction -------------------------------------------------------------------------------------------

_SECRET_KEY_EXACT = frozenset({
    "password", "passwd", "pwd", "pass", "passphrase", "secret", "token", "authorization", "auth", "cookie",
    "setcookie", "apikey", "privatekey", "otp", "totp", "pin", "sessionid", "csrftoken",
    "credentials", "credential", "bearer", "signature", "hmackey", "encryptionkey", "secretkey",
})
_SECRET_KEY_CONTAINS = ("password", "passwd", "passphrase", "authorization", "apikey", "privatekey", "cookie")
_SECRET_KEY_SUFFIXES = ("token", "secret", "sessionid", "credentials", "credential", "signingkey", "hmackey",
                        "encryptionkey", "secretkey")
# Sibling keys that name the field whose value sits under "itemValue"/"value" (Secret Server items,
# SCIM PATCH operations, generic name/value pairs).
_FIELD_NAME_KEYS = ("fieldname", "slug", "name", "path", "key", "field")
_FIELD_VALUE_KEYS = frozenset({"itemvalue", "value", "values"})
_FLAG_KEYS = frozenset({"ispassword", "isfile", "issecret", "sensitive"})

_STRING_PATTERNS = [
    # Authorization header values.
    (re.compile(r"(?i)\b(bearer|basic|token)(\s+|%20|=)[A-Za-z0-9._~+/=-]{6,}"), rf"\1\2{REDACTED}"),
    # Our own SCIM tokens.
    (re.compile(r"scim_[A-Za-z0-9_\-]{6,}"), REDACTED),
    # JWTs.
    (re.compile(r"\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*"), REDACTED),
    # key=value / "key": "value" in query strings, form bodies, JSON or repr text.
    (
        re.compile(
            r"""(?ix)
            (["']?\b(?:[a-z_]*password|passwd|pwd|passphrase|[a-z_]*token|[a-z_]*secret|api[_-]?key|
                    authorization|itemvalue)["']?\s*[:=]\s*)
            (?:"[^"]*"|'[^']*'|[^\s&,;}"']+)
            """
        ),
        rf'\1"{REDACTED}"',
    ),
]


def _normalize_key(key) -> str:
    return re.sub(r"[^a-z0-9]", "", str(key).lower())


def _is_secret_key(key) -> bool:
    k = _normalize_key(key)
    if not k:
        return False
    return (
        k in _SECRET_KEY_EXACT
        or any(part in k for part in _SECRET_KEY_CONTAINS)
        or k.endswith(_SECRET_KEY_SUFFIXES)
    )


def _scrub_string(value: str) -> str:
    value = value.replace("\x00", "")
    value = value.encode("utf-8", "replace").decode("utf-8")  # lone surrogates cannot be stored
    for pattern, replacement in _STRING_PATTERNS:
        value = pattern.sub(replacement, value)
    return value


def _dict_names_a_secret(data: Mapping) -> bool:
    for key, value in data.items():
        k = _normalize_key(key)
        if k in _FLAG_KEYS and value is True:
            return True
        if k in _FIELD_NAME_KEYS and isinstance(value, str) and _is_secret_key(value.rsplit(".", 1)[-1]):
            return True
    return False


def _redact(value):
    if isinstance(value, str):
        return _scrub_string(value)
    if isinstance(value, Mapping):
        value_is_secret = _dict_names_a_secret(value)
        out = {}
        for key, item in value.items():
            key = _scrub_string(str(key))
            if _is_secret_key(key) or (value_is_secret and _normalize_key(key) in _FIELD_VALUE_KEYS):
                # Booleans and empty values carry no secret ("password_expired": true stays readable).
                out[key] = item if item is None or item == "" or isinstance(item, bool) else REDACTED
            else:
                out[key] = _redact(item)
        return out
    if isinstance(value, list | tuple):
        return [_redact(item) for item in value]
    return value


def audit_redact(value):
    """Return a JSON-safe copy of ``value`` with secrets replaced by ``"[redacted]"``.

    Keys that name secrets (password, token, secret, authorization, ...) lose their values; so do the
    ``itemValue``/``value`` of an item that names a secret (``{"slug": "password", "itemValue": ...}``,
    ``{"isPassword": true, ...}``, SCIM ``{"path": "password", "value": ...}``); strings lose bearer/basic
    credentials, ``scim_`` tokens, JWTs and ``password=...``-style pairs. Non-JSON types are converted
    first (DjangoJSONEncoder), so what is hashed is exactly what the database returns.
    """
    if value is None:
        return None
    plain = json.loads(json.dumps(value, cls=DjangoJSONEncoder, allow_nan=False))
    return _redact(plain)


# --- hashing ---------------------------------------------------------------------------------------------

@lru_cache(maxsize=4)
def _derive_key(configured: str, secret_key: str) -> bytes:
    if configured:
        return configured.encode("utf-8")
    return hmac.new(secret_key.encode("utf-8"), _KEY_LABEL, hashlib.sha256).digest()


def _hmac_key() -> bytes:
    return _derive_key(getattr(settings, "AUDIT_HMAC_KEY", "") or "", settings.SECRET_KEY)


def _canonical_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(data) -> bytes:
    """Sorted keys, fixed separators, UTF-8, no NaN: the exact bytes that are hashed."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


_HASHED_FIELDS = ("seq", "time", "actor_name", "source_ip", "request_id", "action", "target_type", "target_id",
                  "target_repr", "before", "after", "outcome", "message")


def audit_row_content(row: Mapping) -> dict:
    """The hashed content of a row (every column but id, actor_id, prev_hash and row_hash)."""
    content = {name: row[name] for name in _HASHED_FIELDS}
    content["time"] = _canonical_time(row["time"])
    return content


def _row_hash(prev_hash: str, row: Mapping, key: bytes | None = None) -> str:
    mac = hmac.new(key or _hmac_key(), prev_hash.encode("ascii"), hashlib.sha256)
    mac.update(canonical_json(audit_row_content(row)))
    return mac.hexdigest()


# --- context (request id, source ip, actor) ---------------------------------------------------------------

_process_run_id = f"run-{uuid.uuid4().hex}"


@contextmanager
def audit_run(label: str = "run") -> Iterator[str]:
    """Give every audit row written inside the block one fresh request id (``<label>-<uuid>``).

    Outside a request and outside this block, rows get one id per process, i.e. per management-command run.
    """
    run_id = f"{re.sub(r'[^A-Za-z0-9._-]', '', label)[:20] or 'run'}-{uuid.uuid4().hex}"
    token = current_request_id.set(run_id)
    try:
        yield run_id
    finally:
        current_request_id.reset(token)


def _clean_ip(value) -> str | None:
    try:
        return str(ipaddress.ip_address(str(value).strip().split("%", 1)[0])) if value else None
    except ValueError:
        return None


def _clip(value, limit: int) -> str:
    text = _scrub_string("" if value is None else str(value))
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --- writing ---------------------------------------------------------------------------------------------

def _database_alias() -> str:
    return router.db_for_write(AuditEvent)


def _lock_chain(connection) -> None:
    """Serialize chain writers until the end of the surrounding transaction."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [AUDIT_CHAIN_LOCK_ID])
        elif connection.vendor == "sqlite":
            mode = (connection.settings_dict.get("OPTIONS") or {}).get("transaction_mode")
            if str(mode).upper() not in ("IMMEDIATE", "EXCLUSIVE"):
                # A deferred transaction: take the write lock now, before reading the head.
                cursor.execute(f"UPDATE {AuditEvent._meta.db_table} SET seq = seq WHERE 0")


def _insert(event: AuditEvent, using: str) -> None:
    event.save(force_insert=True, using=using)


def _check_call(action, outcome) -> None:
    if not isinstance(action, str) or len(action) > 64 or not _ACTION_RE.match(action):
        raise ValueError(f'audit action must be a short dotted code like "endpoint.create", got {action!r}')
    if outcome not in AuditOutcome.values:
        raise ValueError(f"audit outcome must be one of {AuditOutcome.values}, got {outcome!r}")


def _actor_of(actor, actor_name: str | None, request) -> tuple[object | None, str]:
    """(the saved user to link, the name to record): ``request.user`` when neither is given and it is signed
    in; an anonymous or unsaved actor keeps only its name."""
    if actor is None and actor_name is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and getattr(user, "is_authenticated", False):
            actor = user
    if actor is not None and getattr(actor, "pk", None) is None:
        if actor_name is None:
            actor_name = actor.get_username() if hasattr(actor, "get_username") else ""
        actor = None
    if actor_name is None:
        actor_name = actor.get_username() if actor is not None else ""
    return actor, actor_name


def audit_record(
    *,
    action: str,
    outcome: str,
    actor=None,
    actor_name: str | None = None,
    target_type: str = "",
    target_id="",
    target_repr: str = "",
    before=None,
    after=None,
    message: str = "",
    request=None,
) -> AuditEvent:
    """Append one row to the audit chain and return it.

    Source IP and request id come from ``request``, else from the request-id middleware's ContextVars,
    else from ``audit_run()`` / the per-process run id. ``actor`` defaults to ``request.user`` when
    neither ``actor`` nor ``actor_name`` is given and that user is authenticated. ``before``, ``after``,
    ``message`` and ``target_repr`` are redacted before hashing and storing.

    Runs in its own ``transaction.atomic()`` (a savepoint when nested): on PostgreSQL it holds
    ``pg_advisory_xact_lock`` until the surrounding transaction ends, so keep that transaction short.
    Raises ``AuditWriteError`` when the row cannot be written, ``ValueError`` for a malformed call.
    """
    _check_call(action, outcome)
    request = request if request is not None else current_request.get()
    request_id = getattr(request, "id", None) or current_request_id.get() or _process_run_id
    source_ip = _clean_ip(request.META.get("REMOTE_ADDR")) if request is not None else None
    actor, actor_name = _actor_of(actor, actor_name, request)

    try:
        fields = {
            "actor_name": _clip(actor_name, 150),
            "source_ip": source_ip,
            "request_id": _clip(request_id, 64),
            "action": action,
            "target_type": _clip(target_type, 64),
            "target_id": _clip(target_id, 128),
            "target_repr": _clip(target_repr, 200),
            "before": audit_redact(before),
            "after": audit_redact(after),
            "outcome": outcome,
            "message": _scrub_string(str(message or "")),
        }
    except (TypeError, ValueError) as exc:
        raise ValueError(f"audit before/after must be JSON-serializable: {exc}") from exc

    using = _database_alias()
    connection = connections[using]
    try:
        with transaction.atomic(using=using):
            _lock_chain(connection)
            head = AuditEvent.objects.using(using).order_by("-seq").values_list("seq", "row_hash").first()
            seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS_HASH)
            event = AuditEvent(seq=seq, time=timezone.now(), actor=actor, prev_hash=prev_hash, **fields)
            # The hash is computed over what the database will return: microsecond UTC time.
            event.row_hash = _row_hash(prev_hash, {name: getattr(event, name) for name in _HASHED_FIELDS})
            _insert(event, using)
    except Exception as exc:
        logger.critical("audit write failed for action %s (%s): %s", action, outcome, type(exc).__name__)
        raise AuditWriteError(AUDIT_WRITE_FAILED) from exc
    _log_file_after_commit(event, using)
    return event


def log_frequency_known() -> str:
    """The "Log frequency" setting as this connector last knew it: the audit writer never asks Secret Server
    (a cold settings cache must not turn one audit line into a vault round trip)."""
    try:
        return settings_selectors.settings_local().log_frequency
    except Exception:  # a log line must not depend on the settings being readable
        return logfiles.DEFAULT_FREQUENCY


def _log_file_after_commit(event: AuditEvent, using: str) -> None:
    """The log-file copy (connector/logfiles.py): best effort, and only once the row has committed.

    Runs at once in autocommit mode, else when the outermost transaction commits; a rolled-back row (or
    savepoint) is never written. Nothing here can fail the audit write: the row is already in.
    """
    if not logfiles.event_log_enabled():
        return
    try:
        transaction.on_commit(lambda: logfiles.event_log_write(event, frequency=log_frequency_known()), using=using,
                              robust=True)
    except Exception as exc:
        logger.warning("log file: could not schedule audit row seq %s (%s)", event.seq, type(exc).__name__)


# --- intent / outcome ------------------------------------------------------------------------------------

def _outcome_of(exc: BaseException) -> str:
    declared = getattr(exc, "audit_outcome", None)
    if declared in AuditOutcome.values and declared != AuditOutcome.INTENT:
        return declared
    if isinstance(exc, PermissionDenied):
        return AuditOutcome.DENIED
    if isinstance(exc, ValidationError):
        return AuditOutcome.FAILURE
    return AuditOutcome.ERROR


def _safe_message(exc: BaseException) -> str:
    """The exception's ``safe_message`` if it has one; validation messages; else only the class name."""
    safe = getattr(exc, "safe_message", None)
    if safe:
        return f"{type(exc).__name__}: {safe}"
    if isinstance(exc, ValidationError):
        return f"ValidationError: {'; '.join(exc.messages)}"
    if isinstance(exc, PermissionDenied) and exc.args:
        return f"PermissionDenied: {exc.args[0]}"
    return type(exc).__name__


@dataclass
class AuditHandle:
    """What the body of ``audited`` sees: set ``before``/``after``/``message``/``target_*`` or call ``record()``.

    ``before`` defaults to the one given to ``audited``; set it when the prior state is only known once the
    body has read it (the audit record diffs before against after, so callers never build diffs).
    """

    intent: AuditEvent
    _common: dict
    before: object = None
    after: object = None
    message: str = ""
    outcome: str = AuditOutcome.SUCCESS
    target_id: object = None
    target_repr: str | None = None
    result: AuditEvent | None = field(default=None)

    def record(self, *, outcome: str | None = None, before=None, after=None, message: str | None = None,
               target_id=None, target_repr: str | None = None) -> AuditEvent:
        """Write the outcome row now, e.g. inside the ``atomic()`` that writes the mirror row."""
        if self.result is not None and _row_exists(self.result):
            raise RuntimeError("the outcome of this audited action was already recorded")
        for name, value in (("outcome", outcome), ("before", before), ("after", after), ("message", message),
                            ("target_id", target_id), ("target_repr", target_repr)):
            if value is not None:
                setattr(self, name, value)
        self.result = audit_record(outcome=self.outcome, after=self.after, message=self.message,
                                   **self._with_target())
        return self.result

    def _with_target(self) -> dict:
        common = dict(self._common)
        if self.target_id is not None:
            common["target_id"] = self.target_id
        if self.target_repr is not None:
            common["target_repr"] = self.target_repr
        if self.before is not None:
            common["before"] = self.before
        return common


def _row_exists(event: AuditEvent) -> bool:
    return AuditEvent.objects.using(_database_alias()).filter(row_hash=event.row_hash).exists()


@contextmanager
def audited(
    *,
    action: str,
    actor=None,
    actor_name: str | None = None,
    target_type: str = "",
    target_id="",
    target_repr: str = "",
    before=None,
    message: str = "",
    request=None,
) -> Iterator[AuditHandle]:
    """Intent row, then the body, then the outcome row (fail closed).

    If the intent row cannot be written, ``AuditWriteError`` is raised and the body never runs. If the
    body raises, an outcome row is written ("denied" for PermissionDenied, "failure" for ValidationError or
    an exception whose ``audit_outcome = "failure"``, else "error"; message = the exception's
    ``safe_message`` or class name, never ``str(exc)``) and the exception propagates. See the module
    docstring for writing the outcome row in the caller's own transaction.
    """
    common = dict(action=action, actor=actor, actor_name=actor_name, target_type=target_type,
                  target_id=target_id, target_repr=target_repr, before=before, request=request)
    intent = audit_record(outcome=AuditOutcome.INTENT, message=message, **common)
    if actor is not None and actor_name is None:
        common["actor_name"] = intent.actor_name
    handle = AuditHandle(intent=intent, _common=common)
    try:
        yield handle
    except GeneratorExit:
        raise
    except BaseException as exc:
        if handle.result is not None and _safe_row_exists(handle.result):
            raise  # the outcome was committed before the failure; nothing more to say here
        try:
            handle.result = audit_record(outcome=_outcome_of(exc), message=_safe_message(exc),
                                         after=handle.after, **handle._with_target())
        except Exception as audit_exc:
            logger.critical("audit outcome row for %s (seq %s) could not be written", action, intent.seq)
            exc.add_note(f"The audit outcome row could not be written either: {type(audit_exc).__name__}")
        raise
    else:
        if handle.result is None or not _row_exists(handle.result):
            handle.result = None
            handle.record()


def _safe_row_exists(event: AuditEvent) -> bool:
    try:
        return _row_exists(event)
    except Exception:
        return False


# --- maintenance -----------------------------------------------------------------------------------------

@contextmanager
def audit_maintenance(using: str | None = None) -> Iterator[None]:
    """Lift the append-only triggers for the current transaction (opened here if needed).

    Only for the test harness's flush and for migrations (e.g. a retention purge). On PostgreSQL it works
    only for a role with the privileges of the table's owner; the runtime role should not own the table.
    """
    using = using or _database_alias()
    connection = connections[using]
    flag_table = False
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('scim.audit_maintenance', 'on', true)")
            elif connection.vendor == "sqlite":
                cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [FLAG_TABLE])
                flag_table = cursor.fetchone() is not None
                if flag_table:
                    cursor.execute(f"INSERT OR IGNORE INTO {FLAG_TABLE} (id) VALUES (1)")
        yield
        # Reached only without an exception; on an exception the rollback undoes the switch.
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SELECT set_config('scim.audit_maintenance', 'off', true)")
            elif connection.vendor == "sqlite" and flag_table:
                cursor.execute(f"DELETE FROM {FLAG_TABLE}")


# --- verifying -------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AuditAnchor:
    """The chain head, to be kept off-box (SIEM, vault secret, WORM storage). Text form ``<seq>:<row_hash>``."""

    seq: int
    row_hash: str

    def __str__(self) -> str:
        return f"{self.seq}:{self.row_hash}"

    @classmethod
    def parse(cls, text: str) -> AuditAnchor:
        seq, _, row_hash = text.strip().partition(":")
        if not seq.isdigit() or not re.fullmatch(r"[0-9a-f]{64}", row_hash):
            raise ValueError("an audit anchor looks like <seq>:<64 hex digits>")
        return cls(seq=int(seq), row_hash=row_hash)


@dataclass(frozen=True)
class ChainStatus:
    """Result of a chain walk. ``ok`` False means ``first_bad_seq`` and ``reason`` say where and why."""

    ok: bool
    count: int  # rows checked
    head_seq: int | None = None
    head_hash: str | None = None
    first_seq: int | None = None  # first row checked
    first_bad_seq: int | None = None
    reason: str = ""

    def __str__(self) -> str:
        if self.ok:
            if not self.count:
                return "OK: the audit chain is empty"
            return f"OK: {self.count} rows verified (seq {self.first_seq}..{self.head_seq}), head {self.head_hash}"
        return f"BAD at seq {self.first_bad_seq}: {self.reason} ({self.count} rows checked before it)"


def audit_anchor() -> AuditAnchor | None:
    """The current head (seq, row_hash), or None when the trail is empty."""
    head = AuditEvent.objects.using(_database_alias()).order_by("-seq").values_list("seq", "row_hash").first()
    return AuditAnchor(*head) if head else None


_VERIFY_COLUMNS = ("seq", "prev_hash", "row_hash") + tuple(f for f in _HASHED_FIELDS if f != "seq")


def _iter_rows(queryset, start_seq: int, chunk_size: int) -> Iterator[dict]:
    """Keyset pagination on seq: constant memory, no long-lived cursor, works on every backend."""
    after = start_seq - 1
    while True:
        chunk = list(queryset.filter(seq__gt=after).order_by("seq").values(*_VERIFY_COLUMNS)[:chunk_size])
        if not chunk:
            return
        yield from chunk
        after = chunk[-1]["seq"]


def _row_problem(row: dict, expected_seq: int, expected_prev: str, key: bytes,
                 anchor: AuditAnchor | None) -> tuple[int, str] | None:
    """(first bad seq, reason) when this row breaks the chain, else None."""
    seq = row["seq"]
    if seq != expected_seq:
        return expected_seq, f"gap in seq: row {expected_seq} missing (next row is {seq})"
    if row["prev_hash"] != expected_prev:
        return seq, "broken link: prev_hash does not match the previous row's hash"
    if not hmac.compare_digest(_row_hash(row["prev_hash"], row, key), row["row_hash"]):
        return seq, "hash mismatch: the row was altered (or written with another key)"
    if anchor is not None and seq == anchor.seq and row["row_hash"] != anchor.row_hash:
        return seq, "anchor mismatch: the anchored row has a different hash"
    return None


def _anchor_unseen_problem(queryset, anchor: AuditAnchor, head_seq: int | None,
                           start_seq: int) -> tuple[int, str] | None:
    """The anchor was not among the rows walked: past the end (tail deleted) or before them (check it)."""
    if anchor.seq > (head_seq or start_seq - 1):
        return ((head_seq or 0) + 1,
                f"tail deleted: the anchor is at seq {anchor.seq}, the chain ends at {head_seq or 0}")
    anchored = queryset.filter(seq=anchor.seq).values_list("row_hash", flat=True).first()
    if anchored != anchor.row_hash:
        return anchor.seq, "anchor mismatch: the anchored row is missing or has a different hash"
    return None


def audit_chain_verify(*, anchor: AuditAnchor | None = None, last: int | None = None,
                       chunk_size: int = _VERIFY_CHUNK) -> ChainStatus:
    """Walk the chain in seq order and report the first bad row (hash mismatch, broken link, gap in seq).

    ``last=N`` checks only the newest N rows (linking the first of them to its predecessor's stored hash):
    cheap enough for every page view. ``anchor`` (a head recorded earlier) must still be in the chain with
    the same hash; this is what catches a deleted tail.
    """
    key = _hmac_key()
    queryset = AuditEvent.objects.using(_database_alias())
    head = audit_anchor()

    start_seq, expected_prev = 1, GENESIS_HASH
    if last is not None and head is not None and head.seq - last >= 1:
        start_seq = head.seq - last + 1
        predecessor = queryset.filter(seq=start_seq - 1).values_list("row_hash", flat=True).first()
        if predecessor is None:
            return ChainStatus(False, 0, first_bad_seq=start_seq - 1, reason="gap in seq: row missing")
        expected_prev = predecessor

    count, expected_seq, first_seq, prev_row = 0, start_seq, None, None
    anchor_seen = False
    for row in _iter_rows(queryset, start_seq, chunk_size):
        seq = row["seq"]
        first_seq = seq if first_seq is None else first_seq
        problem = _row_problem(row, expected_seq, expected_prev, key, anchor)
        if problem is not None:
            return ChainStatus(False, count, first_seq=first_seq, first_bad_seq=problem[0], reason=problem[1])
        anchor_seen = anchor_seen or (anchor is not None and seq == anchor.seq)
        count, expected_seq, expected_prev, prev_row = count + 1, seq + 1, row["row_hash"], row

    head_seq = prev_row["seq"] if prev_row else None
    head_hash = prev_row["row_hash"] if prev_row else None
    if anchor is not None and not anchor_seen:
        problem = _anchor_unseen_problem(queryset, anchor, head_seq, start_seq)
        if problem is not None:
            return ChainStatus(False, count, head_seq, head_hash, first_seq, first_bad_seq=problem[0],
                               reason=problem[1])
    return ChainStatus(True, count, head_seq, head_hash, first_seq)
