"""DRF cursor pagination and the shared viewset base for the read-only history and audit APIs (no COUNT,
no OFFSET scans)."""
from rest_framework import viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination

from connector.access import IsConnectorStaffReadOnly


class KeysetCursorPagination(CursorPagination):
    """CursorPagination whose bad cursors are a 400 (the client sent bad input), not DRF's 404."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except NotFound as exc:
            raise ValidationError({"cursor": [str(exc.detail)]}) from exc


class AccessRequestCursorPagination(KeysetCursorPagination):
    ordering = ("-requested_at", "-id")


class AuditEventCursorPagination(KeysetCursorPagination):
    # (time, id) like the UI, so every filter is an index range scan (see connector/selectors/audit.py).
    ordering = ("-time", "-id")


# List and retrieve for administrators and auditors; subclasses name the model, FilterSet and pagination.
# No docstring on purpose: drf-spectacular would publish it as every subclass's operation description.
class StaffReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [IsConnectorStaffReadOnly]
