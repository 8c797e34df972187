"""Reads of the local endpoint mirror (fresh reads from Secret Server live in services.endpoints)."""
from django.db.models import QuerySet

from connector.models import EndpointMirror


def endpoint_mirror_list(*, include_inactive: bool = False) -> QuerySet[EndpointMirror]:
    queryset = EndpointMirror.objects.all()
    if not include_inactive:
        queryset = queryset.filter(active=True)
    return queryset.order_by("name_lower", "ss_secret_id")


