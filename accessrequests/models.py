"""Local mirror of Secret Server access requests for the SCIMSecret, and their status history.

Secret Server owns the workflow; these rows are refreshed from it (see services.py) and exist so that
auditors can browse, filter and export the history quickly.
"""
from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Lower


class AccessRequestStatus(models.TextChoices):
    PENDING = "Pending"
    APPROVED = "Approved"
    DENIED = "Denied"
    CANCELED = "Canceled"
    EXPIRED = "Expired"


class AccessRequest(models.Model):
    """One Secret Server access request (`SecretAccessModel`), mirrored.

    Search index (migration 0002_history_search, not a model field): on PostgreSQL the generated column
    ``search_vector`` (GIN index ``ar_search_vector``), on SQLite the FTS5 table
    ``accessrequests_accessrequest_fts`` kept in step by triggers. Both are maintained by the database on
    every INSERT/UPDATE/DELETE; accessrequests/filters.py queries them.
    """

    ss_request_id = models.BigIntegerField("Secret Server request id", unique=True)
    secret_id = models.BigIntegerField()
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="access_requests"
    )
    requester_ss_id = models.BigIntegerField("requester's Secret Server user id", null=True, blank=True)
    requester_name = models.CharField(max_length=255)
    status = models.CharField(max_length=16, choices=AccessRequestStatus.choices)
    requested_at = models.DateTimeField()
    comment = models.TextField(blank=True)
    reviewer_name = models.CharField(max_length=255, blank=True)
    justification = models.TextField("reviewer's justification", blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["requested_at", "id"], name="ar_requested"),
            models.Index(fields=["status", "requested_at", "id"], name="ar_status_requested"),
            models.Index(fields=["requester_name", "requested_at", "id"], name="ar_requester_requested"),
            # The requester/reviewer filters compare user names case-insensitively, as Secret Server does.
            models.Index(Lower("requester_name"), F("requested_at"), F("id"), name="ar_requester_ci_requested"),
            models.Index(Lower("reviewer_name"), F("requested_at"), F("id"), name="ar_reviewer_ci_requested"),
            models.Index(fields=["status", "window_end"], name="ar_status_window_end"),
        ]

    def __str__(self):
        return f"Request {self.ss_request_id} by {self.requester_name} ({self.status})"


class AccessRequestEvent(models.Model):
    """An append-only row for every change of a request's status (filed, approved, denied, expired…).

    The unique (request, status) pair makes a status change idempotent: two workers syncing the same
    request at once can only record it once.
    """

    request = models.ForeignKey(AccessRequest, on_delete=models.PROTECT, related_name="events")
    time = models.DateTimeField()
    from_status = models.CharField(max_length=16, blank=True)
    status = models.CharField(max_length=16, choices=AccessRequestStatus.choices)
    actor_name = models.CharField(max_length=255, blank=True)
    justification = models.TextField(blank=True)
    window_start = models.DateTimeField(null=True, blank=True)
    window_end = models.DateTimeField(null=True, blank=True)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["time", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "status"], name="are_one_event_per_status")]
        indexes = [models.Index(fields=["time", "id"], name="are_time")]

    def __str__(self):
        return f"{self.request_id}: {self.from_status or '—'} → {self.status}"
