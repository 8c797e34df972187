"""Read-only REST API over the access-request history, with the same FilterSet as the history page."""
from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view

from accessrequests.api.serializers import AccessRequestDetailSerializer, AccessRequestSerializer
from accessrequests.filters import AccessRequestFilterSet
from accessrequests.models import AccessRequest, AccessRequestEvent
from connector.api.cursor import AccessRequestCursorPagination, StaffReadOnlyViewSet


@extend_schema_view(
    list=extend_schema(summary="List access requests", description=(
        "Newest first, cursor-paginated (follow `next`). Filters as on the history page.")),
    retrieve=extend_schema(summary="One access request with its status timeline"),
)
class AccessRequestViewSet(StaffReadOnlyViewSet):
    filterset_class = AccessRequestFilterSet
    pagination_class = AccessRequestCursorPagination
    queryset = AccessRequest.objects.all()

    def get_queryset(self):
        if self.action == "retrieve":
            return AccessRequest.objects.prefetch_related(
                Prefetch("events", queryset=AccessRequestEvent.objects.order_by("time", "id")))
        return AccessRequest.objects.all()

    def get_serializer_class(self):
        return AccessRequestDetailSerializer if self.action == "retrieve" else AccessRequestSerializer
