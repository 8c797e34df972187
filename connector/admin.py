from django.contrib import admin
from django.core.paginator import Paginator
from django.utils.functional import cached_property
from django.utils.html import format_html

from connector.models import AuditEvent

# --- Audit trail (read-only) ---------------------------------------------------------------------------


class CappedCountPaginator(Paginator):
    """Counts at most CAP rows (a LIMITed subquery) instead of COUNT(*) over the whole audit table."""

    CAP = 10_000

    @cached_property
    def count(self):
        return self.object_list[: self.CAP + 1].count()


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    list_display = ("seq", "time", "actor_name", "action", "outcome", "target_type", "target_repr", "source_ip",
                    "request_id")
    list_display_links = ("seq",)
    list_filter = ("outcome", "action", "time")
    search_fields = ("actor_name", "target_repr", "=request_id", "=target_id")
    ordering = ("-seq",)
    list_per_page = 100
    show_full_result_count = False
    paginator = CappedCountPaginator
    actions = None
    fields = ("seq", "time", "actor", "actor_name", "source_ip", "request_id", "action", "outcome", "target_type",
              "target_id", "target_repr", "message", "before_json", "after_json", "prev_hash", "row_hash")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

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
class EndpointMirrorAdmin(admin.ModelAdmin):
    """No password or token is stored here; the token hash is left out of the page as well."""

    list_display = ("name", "url", "username", "token_prefix", "token_expires_at", "active", "synced_at")
    list_filter = ("active",)
    search_fields = ("name", "url", "username", "=ss_secret_id", "=token_id")
    ordering = ("name_lower",)
    actions = None
    fields = ("ss_secret_id", "name", "url", "username", "token_id", "token_prefix", "token_issued_at",
              "token_expires_at", "permission_mappings", "revision", "active", "synced_at")
    readonly_fields = fields

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


# --- end of SCIM endpoints mirror ------------------------------------------------------------------------


# --- Settings area: mirrors of Secret Server (read-only) ---------------------------------------------------

from connector.models import FolderMirror, SettingsMirror  # noqa: E402


class _ReadOnlyMirrorAdmin(admin.ModelAdmin):
    """Mirrors are rebuilt from Secret Server (manage.py sync_connector); nobody edits them here."""

    actions = None

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FolderMirror)
class FolderMirrorAdmin(_ReadOnlyMirrorAdmin):
    list_display = ("ss_folder_id", "name", "active", "synced_at")
    list_filter = ("active",)
    fields = readonly_fields = ("ss_folder_id", "name", "active", "synced_at")


@admin.register(SettingsMirror)
class SettingsMirrorAdmin(_ReadOnlyMirrorAdmin):
    list_display = ("revision", "ss_secret_id", "synced_at")
    fields = readonly_fields = ("revision", "ss_secret_id", "settings_json", "synced_at")

    @admin.display(description="settings")
    def settings_json(self, obj):
        return _pretty(obj.settings)


# --- end of settings area ----------------------------------------------------------------------------------
