"""The audit trail: one append-only, hash-chained table (NetBox ObjectChange shape, Vault-style fail-closed).

Rows are written only by ``connector.services.audit.audit_record``. The database refuses UPDATE, DELETE and
TRUNCATE through triggers (see ``connector/migrations/_audit_triggers.py``); ``row_hash`` chains each row to
the one before it with an HMAC whose key lives outside the database.
"""
from django.conf import settings
from django.db import models


class AuditOutcome(models.TextChoices):
    INTENT = "intent", "Intent"
    SUCCESS = "success", "Success"
    FAILURE = "failure", "Failure"
    DENIED = "denied", "Denied"
    ERROR = "error", "Error"


class AuditEvent(models.Model):
    """One audit row. Never updated, never deleted.

    ``row_hash`` covers every stored column but the surrogate ``id`` (assigned by the database after the
    hash is computed; ``seq`` is the row's hashed position). ``hash_version`` says which content was hashed:
    1 = rows written before migration 0007 (without ``actor_id``), 2 = every column including ``actor_id``
    and ``hash_version`` itself, so old chains keep verifying and a row cannot be passed off as version 1.
    ``actor`` is PROTECTed: a user with audit rows cannot be deleted (deactivate instead), so ``actor_id``
    never changes after the write.

    Adding or altering a column needs a migration that re-installs the triggers: on SQLite a table
    rebuild drops them (``connector/migrations/_audit_triggers.py`` has ``install``), and the hashed
    content (``connector.services.audit.audit_row_content``) must keep verifying the old rows.
    """

    seq = models.BigIntegerField(unique=True, editable=False, help_text="Gapless position in the chain, from 1.")
    time = models.DateTimeField(editable=False, help_text="UTC.")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
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
    hash_version = models.PositiveSmallIntegerField(
        default=2, editable=False, help_text="Which columns row_hash covers: 1 = all but actor_id (old rows), 2 = all.")

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
