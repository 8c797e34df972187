"""Read-only admin for the access-request mirror: Secret Server owns these rows, nobody edits them here."""
from django.contrib import admin

from accessrequests.models import AccessRequest, AccessRequestEvent
from connector.admin_base import LargeTableReadOnlyAdmin


class AccessRequestEventInline(admin.TabularInline):
    model = AccessRequestEvent
    fields = ("time", "from_status", "status", "actor_name", "justification", "window_start", "window_end")
    readonly_fields = fields
    ordering = ("time", "id")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccessRequest)
class AccessRequestAdmin(LargeTableReadOnlyAdmin):
    list_display = ("ss_request_id", "requested_at", "requester_name", "status", "reviewer_name", "window_end")
    list_filter = ("status",)
    search_fields = ("requester_name",)
    ordering = ("-requested_at", "-id")
    inlines = [AccessRequestEventInline]


@admin.register(AccessRequestEvent)
class AccessRequestEventAdmin(LargeTableReadOnlyAdmin):
    list_display = ("request", "time", "from_status", "status", "actor_name")
    list_filter = ("status",)
    search_fields = ("actor_name",)
    list_select_related = ("request",)
    ordering = ("-time", "-id")
