"""Read-only REST API over the audit trail, with the same FilterSet as the audit browser."""
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers

from connector.api.cursor import AuditEventCursorPagination, StaffReadOnlyViewSet
from connector.filters import AuditEventFilterSet
from connector.models import AuditEvent


class AuditEventSerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEvent
        fields = ["seq", "time", "actor_name", "source_ip", "request_id", "action", "target_type", "target_id",
                  "target_repr", "outcome", "message", "before", "after", "prev_hash", "row_hash"]
        read_only_fields = fields


@extend_schema_view(
    list=extend_schema(summary="List audit events", description=(
        "Newest first, cursor-paginated (follow `next`). `before`/`after` are redacted when recorded.")),
    retrieve=extend_schema(summary="One audit event, by its seq"),
)
class AuditEventViewSet(StaffReadOnlyViewSet):
    serializer_class = AuditEventSerializer
    filterset_class = AuditEventFilterSet
    pagination_class = AuditEventCursorPagination
    queryset = AuditEvent.objects.all()
    lookup_field = "seq"
