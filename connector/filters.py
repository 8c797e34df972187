"""The one FilterSet for the audit trail, shared by the audit browser, its CSV export and the REST API.

Every filter is an equality or a time range that one of AuditEvent's indexes answers together with the
(time, id) keyset order: (actor_name, time), (action, time), (outcome, time), (time) and
(target_type, target_id). There is deliberately no free-text search: a substring scan over a million rows
cannot answer in 100 ms on either database.
"""
import django_filters

from connector.day_filters import NO_ECHO_CHOICE_ERRORS, FromDayFilter, UntilDayFilter
from connector.fast_forms import FastFilterForm, FastFilterSet
from connector.models import AuditEvent, AuditOutcome


class AuditEventFilterSet(FastFilterSet):
    actor = django_filters.CharFilter(field_name="actor_name", label="Actor", help_text="Exact user name.")
    action = django_filters.CharFilter(field_name="action", label="Action", help_text='e.g. "endpoint.create".')
    target_type = django_filters.CharFilter(field_name="target_type", label="Target type")
    target_id = django_filters.CharFilter(field_name="target_id", label="Target id")
    outcome = django_filters.ChoiceFilter(choices=AuditOutcome.choices, empty_label="Any outcome",
                                          error_messages=NO_ECHO_CHOICE_ERRORS)
    time_after = FromDayFilter("time", label="From")
    time_before = UntilDayFilter("time", label="Until")

    class Meta:
        model = AuditEvent
        form = FastFilterForm  # widgets rendered in Python (connector/fast_forms.py)
        fields = ["actor", "action", "target_type", "target_id", "outcome", "time_after", "time_before"]

