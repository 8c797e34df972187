"""Local mirror of the SCIM endpoints kept in Secret Server (one secret each, in the SCIM folder).

Secret Server is the source of truth; this table exists so SCIM requests can check a bearer token
without a Secret Server round trip. It never holds a password or a plaintext token: only the token's
id (for lookup) and its sha256 (for comparison). ``endpoint_sync`` rebuilds it from Secret Server.
"""
from django.db import models


class EndpointMirror(models.Model):
    ss_secret_id = models.BigIntegerField("Secret Server secret id", unique=True)
    name = models.CharField(max_length=255)
    name_lower = models.CharField(max_length=255, db_index=True, editable=False,
                                  help_text="Case-insensitive uniqueness among active endpoints is enforced "
                                            "by the service (Secret Server may already hold duplicates).")
    url = models.CharField("URL", max_length=2000)
    username = models.CharField(max_length=255, blank=True)
    token_id = models.CharField(max_length=16, unique=True, null=True, blank=True)
    token_hash = models.CharField("token sha256", max_length=64, blank=True)
    token_prefix = models.CharField(max_length=32, blank=True, help_text="Display hint only.")
    token_issued_at = models.DateTimeField(null=True, blank=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    permission_mappings = models.JSONField(default=list, blank=True)
    allow_sensitive_reads = models.BooleanField(
        default=False, help_text="SCIM may read sensitive secret values (PrivilegedData/GetFields); kept in the "
                                 "endpoint's secret in Secret Server, mirrored here.")
    revision = models.PositiveIntegerField(default=0)
    active = models.BooleanField(default=True)
    synced_at = models.DateTimeField()

    class Meta:
        verbose_name = "SCIM endpoint (mirror)"
        ordering = ("name_lower", "ss_secret_id")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.name_lower = (self.name or "").strip().lower()
        super().save(*args, **kwargs)
