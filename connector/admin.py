from django.contrib import admin
from django.utils.html import format_html

from connector.admin_base import CappedCountPaginator, LargeTableReadOnlyAdmin, ReadOnlyAdmin
from connector.models import AuditEvent

__all__ = ["CappedCountPaginator"]  # re-exported: older imports name it here

# --- Audit trail (read-only) ---------------------------------------------------------------------------


@admin.register(AuditEvent)
class AuditEventAdmin(LargeTableReadOnlyAdmin):
    list_display = ("seq", "time", "actor_name", "action", "outcome", "target_type", "target_repr", "source_ip",
                    "request_id")
    list_display_links = ("seq",)
    list_filter = ("outcome", "action", "time")
    search_fields = ("actor_name", "target_repr", "=request_id", "=target_id")
    ordering = ("-seq",)
    list_per_page = 100
    fields = ("seq", "time", "actor", "actor_name", "source_ip", "request_id", "action", "outcome", "target_type",
              "target_id", "target_repr", "message", "before_json", "after_json", "prev_hash", "row_hash")
    readonly_fields = fields

    @admin.display(description="before")
    def before_json(self, obj):
        return _pretty(obj.before)

    @admin.display(description="after")
    def after_json(self, obj):
        return _pretty(obj.after)


def _pretty(value):
    import json

    if value is None:
        return "-"
    return format_html("<pre>{}</pre>", json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False))


# --- end of audit trail ----------------------------------------------------------------------------------


# --- SCIM endpoints mirror (read-only; Secret Server is the source of truth) -----------------------------

from connector.models import EndpointMirror  # noqa: E402


@admin.register(EndpointMirror)
class EndpointMirrorAdmin(ReadOnlyAdmin):
    """No password or token is stored here; the token hash is left out of the page as well."""

    list_display = ("name", "url", "username", "token_prefix", "token_expires_at", "active", "synced_at")
    list_filter = ("active",)
    search_fields = ("name", "url", "username", "=ss_secret_id", "=token_id")
    ordering = ("name_lower",)
    fields = ("ss_secret_id", "name", "url", "username", "token_id", "token_prefix", "token_issued_at",
              "token_expires_at", "permission_mappings", "revision", "active", "synced_at")
    readonly_fields = fields


# --- end of SCIM endpoints mirror ------------------------------------------------------------------------


# --- Settings area: mirrors of Secret Server (read-only) ---------------------------------------------------

from connector.models import FolderMirror, SettingsMirror  # noqa: E402

# Mirrors are rebuilt from Secret Server (manage.py sync_connector); nobody edits them here.


@admin.register(FolderMirror)
class FolderMirrorAdmin(ReadOnlyAdmin):
    list_display = ("ss_folder_id", "name", "active", "synced_at")
    list_filter = ("active",)
    fields = readonly_fields = ("ss_folder_id", "name", "active", "synced_at")


@admin.register(SettingsMirror)
class SettingsMirrorAdmin(ReadOnlyAdmin):
    list_display = ("revision", "ss_secret_id", "synced_at")
    fields = readonly_fields = ("revision", "ss_secret_id", "settings_json", "synced_at")

    @admin.display(description="settings")
    def settings_json(self, obj):
        return _pretty(obj.settings)


# --- end of settings area ----------------------------------------------------------------------------------
