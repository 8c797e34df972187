"""Local user rows that mirror a Secret Server identity (no local passwords, ever)."""
from django.conf import settings
from django.db import models


class SecretServerIdentity(models.Model):
    """Links a Django user to the Secret Server user it mirrors.

    The Django user has an unusable password: Secret Server checks every sign-in. ``ss_user_id`` is the
    stable key, so a rename in Secret Server updates the same local row instead of creating a second one.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="secretserver")
    ss_user_id = models.BigIntegerField("Secret Server user id", unique=True)
    display_name = models.CharField(max_length=255, blank=True)
    domain = models.CharField(max_length=255, blank=True)
    synced_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "Secret Server identity"
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.user.get_username()} (#{self.ss_user_id})"
