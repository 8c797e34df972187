"""Shared base for the read-only admins: mirrors of Secret Server and append-only trails nobody edits here."""
from django.contrib import admin
from django.core.paginator import Paginator
from django.utils.functional import cached_property


class CappedCountPaginator(Paginator):
    """Counts at most CAP rows (a LIMITed subquery) instead of COUNT(*) over the whole (large) table."""

    CAP = 10_000

    @cached_property
    def count(self):
        return self.object_list[: self.CAP + 1].count()


def has_connector_role(request) -> bool:
    """An administrator or auditor in this session (the role Secret Server decided, re-checked each minute)."""
    access = getattr(request, "connector_access", None)
    return bool(request.user.is_authenticated and access is not None and (access.is_admin or access.is_auditor))


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists and shows rows, never adds, changes or deletes them (no bulk actions either).

    Viewing needs the ``view_*`` permission (SecretServerBackend grants it to staff) and a connector role in
    this session; a superuser made with ``createsuperuser`` keeps Django's own rules."""

    actions = None

    def has_view_permission(self, request, obj=None):
        if not request.user.is_superuser and not has_connector_role(request):
            return False
        return super().has_view_permission(request, obj)

    def has_module_permission(self, request):
        if not request.user.is_superuser and not has_connector_role(request):
            return False
        return super().has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LargeTableReadOnlyAdmin(ReadOnlyAdmin):
    """ReadOnlyAdmin for tables that grow without bound: no COUNT(*) over the whole table per page."""

    show_full_result_count = False
    paginator = CappedCountPaginator
