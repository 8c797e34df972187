"""Local mirrors of what lives in Secret Server: the SCIM folder and the settings document.

Secret Server is the source of truth; these rows only make pages and the admin site fast and let the
connector show the last known state when Secret Server is down. ``sync_connector`` rebuilds them.
Nothing secret is ever stored here.
"""
from django.db import models


class FolderMirror(models.Model):
    """The ``SCIM {hostname}`` root folder, as last seen through the application account."""

    ss_folder_id = models.BigIntegerField("Secret Server folder id", unique=True)
    name = models.CharField(max_length=255)
    active = models.BooleanField(default=True, help_text="False once the folder is gone from Secret Server.")
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "SCIM folder (mirror)"
        verbose_name_plural = "SCIM folders (mirror)"

    def __str__(self):
        return f"{self.name} (#{self.ss_folder_id})"


class SettingsMirror(models.Model):
    """The SCIMSecret's settings document (notes field): values and revision. One row at most."""

    singleton = models.PositiveSmallIntegerField(default=1, unique=True, editable=False)
    ss_secret_id = models.BigIntegerField("Secret Server secret id", null=True, blank=True)
    settings = models.JSONField(default=dict)
    revision = models.PositiveIntegerField(default=0)
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "configuration settings (mirror)"
        verbose_name_plural = "configuration settings (mirror)"
        constraints = [models.CheckConstraint(condition=models.Q(singleton=1), name="settings_mirror_single_row")]

    def __str__(self):
        return f"Settings revision {self.revision}"
