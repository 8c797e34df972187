"""The one FilterSet for access requests, shared by the history page, its CSV export and the REST API.

Scale notes (100,000+ requests): every filter is an equality or a range that an index answers together with
the (requested_at, id) keyset order — ``requester``/``reviewer`` match the exact name (indexes
``ar_requester_requested``/``ar_reviewer_requested``), ``status`` uses ``ar_status_requested``, and the
dates are converted to datetime bounds (``requested_at__date`` would wrap the column in a function and
lose the index). Free text ``q`` matches names by prefix and comment/justification by substring: that
cannot use a B-tree index, but the page walks ``ar_requested`` newest first and stops after one page of
matches, and a scan of 100,000 short rows stays well under 100 ms; full-text search is not worth an
extension (pg_trgm) and a second code path for SQLite at this size.
"""
from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from accessrequests.models import AccessRequest, AccessRequestStatus


def day_start(day) -> datetime:
    """Midnight at the start of ``day`` in the current time zone (aware)."""
    return timezone.make_aware(datetime.combine(day, time.min))


class AccessRequestFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        method="filter_q", label="Search",
        help_text="Requester or reviewer name (starts with), comment or justification (contains).",
    )
    status = django_filters.ChoiceFilter(choices=AccessRequestStatus.choices, empty_label="Any status")
    requester = django_filters.CharFilter(field_name="requester_name", label="Requester",
                                          help_text="Exact user name.")
    reviewer = django_filters.CharFilter(field_name="reviewer_name", label="Reviewer",
                                         help_text="Exact user name.")
    requested_after = django_filters.DateFilter(method="filter_after", label="Requested from",
                                                widget=forms.DateInput(attrs={"type": "date"}))
    requested_before = django_filters.DateFilter(method="filter_before", label="Requested until",
                                                 widget=forms.DateInput(attrs={"type": "date"}))

    class Meta:
        model = AccessRequest
        fields = ["q", "status", "requester", "reviewer", "requested_after", "requested_before"]

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(requester_name__istartswith=value)
            | Q(reviewer_name__istartswith=value)
            | Q(comment__icontains=value)
            | Q(justification__icontains=value)
        )

    def filter_after(self, queryset, name, value):
        return queryset.filter(requested_at__gte=day_start(value))

    def filter_before(self, queryset, name, value):
        """Inclusive: the whole of that day."""
        return queryset.filter(requested_at__lt=day_start(value + timedelta(days=1)))
