"""Read-only admins for what the SCIM service keeps locally (nobody edits these by hand)."""
from django.contrib import admin

from connector.admin_base import LargeTableReadOnlyAdmin, ReadOnlyAdmin
from scim.models import ScimRequestLog, ScimResourceExtra


@admin.register(ScimResourceExtra)
class ScimResourceExtraAdmin(ReadOnlyAdmin):
    list_display = ("resource_type", "ss_id", "endpoint_secret_id", "external_id", "deleted", "last_modified")
    list_filter = ("resource_type", "deleted")
    search_fields = ("external_id", "=ss_id")


@admin.register(ScimRequestLog)
class ScimRequestLogAdmin(LargeTableReadOnlyAdmin):
    list_display = ("time", "endpoint_name", "method", "path", "status", "duration_ms", "ss_calls", "client_ip")
    list_filter = ("status", "method")
    search_fields = ("path", "endpoint_name")
    date_hierarchy = None
