"""The one local record of how to reach Secret Server (the vendor keeps the same five facts in a file)."""
from django.db import models


class ConnectorBootstrap(models.Model):
    """Secret Server URL, application account, and where the SCIMSecret lives. One row at most.

    The application account's password is encrypted with a key from the environment
    (connector.crypto); nothing else secret is stored locally.
    """

    singleton = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    secret_server_url = models.URLField(max_length=500)
    allow_http = models.BooleanField(default=False, help_text="The Secret Server URL may be http (demo only).")
    app_username = models.CharField("application account", max_length=255)
    app_domain = models.CharField(max_length=255, blank=True)
    app_site_id = models.IntegerField(null=True, blank=True)
    app_password_encrypted = models.TextField(editable=False)
    folder_id = models.BigIntegerField(null=True, blank=True)
    scim_secret_id = models.BigIntegerField(null=True, blank=True)
    hostname = models.CharField(max_length=255)
    configured_by = models.CharField(max_length=255, blank=True)
    configured_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Secret Server connection"
        constraints = [models.CheckConstraint(condition=models.Q(singleton=1), name="bootstrap_single_row")]

    def __str__(self):
        return f"{self.app_username} @ {self.secret_server_url}"

    @property
    def is_complete(self) -> bool:
        return bool(self.folder_id and self.scim_secret_id)
