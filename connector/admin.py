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
