from django.apps import AppConfig


class ScimConfig(AppConfig):
    """The SCIM 2.0 service under ``/v2/``: identity providers manage Secret Server users and groups."""

    name = "scim"
    verbose_name = "SCIM service"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from connector.models import ConnectorBootstrap
        from connector.services.sync import sync_step_register
        from scim.services.extras import extras_sync
        from scim.services.gateway import bootstrap_forget

        sync_step_register(extras_sync)
        post_save.connect(bootstrap_forget, sender=ConnectorBootstrap, dispatch_uid="scim-bootstrap-forget")
        post_delete.connect(bootstrap_forget, sender=ConnectorBootstrap, dispatch_uid="scim-bootstrap-forget-delete")
