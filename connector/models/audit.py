"""The audit trail: one append-only, hash-chained table (NetBox ObjectChange shape, Vault-style fail-closed).

Rows are written only by ``connector.services.audit.audit_record``. The database refuses UPDATE, DELETE and
TRUNCATE through triggers (see ``connector/migrations/_audit_triggers.py``); ``row_hash`` chains each row to
the one before it with an HMAC whose key lives outside the database.
"""
from dataclasses import dataclass

from django.conf import settings
from django.db import models


@dataclass(frozen=True)
class DiffLine:
    """One field of an audited change; ``path`` is dotted for nested objects."""

    path: str
    change: str  # "added", "removed", "changed", "same"
    before: object = None
    after: object = None


_MISSING = object()


def _flatten(value, prefix="") -> dict:
    if isinstance(value, dict) and value:
        out = {}
        for key in value:
            out.update(_flatten(value[key], f"{prefix}.{key}" if prefix else str(key)))
        return out
    return {prefix or "(value)": value}


def audit_diff(before, after) -> list[DiffLine]:
    """Key-by-key comparison of two JSON documents (nested objects flattened to dotted paths)."""
    if before is None and after is None:
        return []
    old = _flatten(before) if before is not None else {}
    new = _flatten(after) if after is not None else {}
    lines = []
    for path in sorted(old.keys() | new.keys()):
        a, b = old.get(path, _MISSING), new.get(path, _MISSING)
        if a is _MISSING:
            lines.append(DiffLine(path, "added", after=b))
        elif b is _MISSING:
            lines.append(DiffLine(path, "removed", before=a))
        elif a != b:
            lines.append(DiffLine(path, "changed", a, b))
        else:
            lines.append(DiffLine(path, "same", a, b))
    return lines


def _shown(value) -> str:
    return f"“{value}”" if isinstance(value, str) else ("null" if value is None else str(value).lower()
                                                         if isinstance(value, bool) else str(value))


class AuditOutcome(models.TextChoices):
    INTENT = "intent", "Intent"
    SUCCESS = "success", "Success"
    FAILURE = "failure", "Failure"
    DENIED = "denied", "Denied"
    ERROR = "error", "Error"


class AuditEvent(models.Model):
    """One audit row. Never updated, never deleted.

    ``actor`` is a convenience link only: it becomes NULL when the user is deleted (the triggers allow
    exactly that update) and is therefore NOT covered by ``row_hash``; ``actor_name`` is the hashed copy.

    Adding or altering a column needs a migration that re-installs the triggers: on SQLite a table
    rebuild drops them (``connector/migrations/_audit_triggers.py`` has ``install``), and the hashed
    content (``connector.services.audit.audit_row_content``) must keep verifying the old rows.
    """

    seq = models.BigIntegerField(unique=True, editable=False, help_text="Gapless position in the chain, from 1.")
    time = models.DateTimeField(editable=False, help_text="UTC.")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=True,
        editable=False,
    )
    actor_name = models.CharField(max_length=150, blank=True, editable=False)
    source_ip = models.GenericIPAddressField(null=True, blank=True, editable=False)
    request_id = models.CharField(max_length=64, blank=True, editable=False)
    action = models.CharField(max_length=64, editable=False, help_text='Dotted code, e.g. "endpoint.create".')
    target_type = models.CharField(max_length=64, blank=True, editable=False)
    target_id = models.CharField(max_length=128, blank=True, editable=False)
    target_repr = models.CharField(max_length=200, blank=True, editable=False)
    before = models.JSONField(null=True, blank=True, editable=False)
    after = models.JSONField(null=True, blank=True, editable=False)
    outcome = models.CharField(max_length=16, choices=AuditOutcome.choices, editable=False)
    message = models.TextField(blank=True, editable=False)
    prev_hash = models.CharField(max_length=64, unique=True, editable=False)
    row_hash = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        ordering = ["-seq"]
        default_permissions = ("view",)
        indexes = [
            models.Index(fields=["time"], name="connector_audit_time"),
            models.Index(fields=["actor_name", "time"], name="connector_audit_actor_time"),
            models.Index(fields=["action", "time"], name="connector_audit_action_time"),
            models.Index(fields=["outcome", "time"], name="connector_audit_outcome_time"),
            models.Index(fields=["target_type", "target_id"], name="connector_audit_target"),
        ]

    def __str__(self):
        return f"#{self.seq} {self.action} {self.outcome}"

    def states(self) -> tuple[object, object]:
        """(before, after) as recorded. Settings rows written before the diff moved here nested both
        states under ``after`` (``{"before": ..., "after": ..., "revision": n}``); those are unnested."""
        before, after = self.before, self.after
        if (before is None and self.action == "settings.update" and isinstance(after, dict)
                and set(after) == {"before", "after", "revision"}):
            return after["before"], {**after["after"], "revision": after["revision"]}
        return before, after

    def diff(self) -> list[DiffLine]:
        """Field-by-field change between the recorded states: callers record before/after, the row diffs."""
        return audit_diff(*self.states())

    def change_summary(self) -> str:
        """What changed, old → new, in one line (empty unless both states were recorded)."""
        before, after = self.states()
        if before is None or after is None:
            return ""
        return "; ".join(f"{line.path} {_shown(line.before)} → {_shown(line.after)}"
                         for line in audit_diff(before, after) if line.change == "changed")
