from django.apps import AppConfig


class ScimConfig(AppConfig):
    """The SCIM 2.0 service under ``/v2/``: identity providers manage Secret Server users and groups."""

    name = "scim"
    verbose_name = "SCIM service"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from connector.services.sync import sync_step_register
        from scim.services.extras import extras_sync

        sync_step_register(extras_sync)
