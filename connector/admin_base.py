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


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists and shows rows, never adds, changes or deletes them (no bulk actions either)."""

    actions = None

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
