"""What the SCIM service keeps locally.

``ScimResourceExtra`` is the one place the connector holds data Secret Server has no field for
(``externalId``, name parts, further emails and phone numbers, the enterprise extension, ...), per
endpoint and keyed by the Secret Server object's id. Losing the table loses only those attributes:
identity providers then re-match their users on ``userName`` and groups on ``displayName``, and re-send
what they manage. ``manage.py sync_connector`` drops rows whose Secret Server object is gone.

``ScimRequestLog`` is one row per SCIM request (time, endpoint, method, path, status, duration, Secret
Server calls) for the Messages page; the event log files get the same line.
"""
from django.db import models


class ScimResourceType(models.TextChoices):
    USER = "User", "User"
    GROUP = "Group", "Group"
    # Issue 12 adds Container, PrivilegedData, ContainerPermission here, stored the same way.


class ScimResourceExtra(models.Model):
    endpoint_secret_id = models.BigIntegerField("endpoint (Secret Server secret id)")
    resource_type = models.CharField(max_length=32, choices=ScimResourceType.choices)
    ss_id = models.BigIntegerField("Secret Server object id")
    external_id = models.CharField(max_length=255, blank=True, default="", db_index=True)
    data = models.JSONField(default=dict, help_text="SCIM attributes Secret Server has no field for.")
    deleted = models.BooleanField(default=False, help_text="Deleted through SCIM (a user is only disabled "
                                                           "in Secret Server): answers 404 while disabled.")
    created = models.DateTimeField(auto_now_add=True)
    last_modified = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["endpoint_secret_id", "resource_type", "ss_id"],
                                               name="scim_extra_one_per_object")]
        indexes = [models.Index(fields=["endpoint_secret_id", "resource_type", "external_id"],
                                name="scim_extra_external_id")]

    def __str__(self):
        return f"{self.resource_type} {self.ss_id} (endpoint {self.endpoint_secret_id})"


class ScimRequestLog(models.Model):
    time = models.DateTimeField(db_index=True)
    endpoint_secret_id = models.BigIntegerField(null=True, blank=True)
    endpoint_name = models.CharField(max_length=255, blank=True, default="")
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True, default="")
    method = models.CharField(max_length=10)
    path = models.CharField(max_length=512)
    status = models.PositiveSmallIntegerField()
    scim_type = models.CharField(max_length=32, blank=True, default="")
    detail = models.CharField(max_length=300, blank=True, default="")
    duration_ms = models.PositiveIntegerField(default=0)
    ss_calls = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-time", "-id"]

    def __str__(self):
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.method} {self.path} {self.status}"

    @property
    def failed(self) -> bool:
        return self.status >= 400
