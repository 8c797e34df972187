"""Whole-day date filters for the history and audit FilterSets (form, CSV export and REST API alike).

A date is turned into aware datetime bounds in the current time zone, so the filter is a range on the indexed
timestamp column; ``column__date`` would wrap the column in a function and lose the index.
"""
from datetime import datetime, time, timedelta

import django_filters
from django import forms
from django.utils import timezone
from django_filters.constants import EMPTY_VALUES


def day_start(day) -> datetime:
    """Midnight at the start of ``day`` in the current time zone (aware)."""
    return timezone.make_aware(datetime.combine(day, time.min))


class _DayFilter(django_filters.DateFilter):
    """A date picker filtering ``column`` (the timestamp field) by whole days."""

    def __init__(self, column: str, **kwargs):
        self.column = column
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        return qs.filter(**self.bound(value))


class FromDayFilter(_DayFilter):
    """From the start of that day."""

    def bound(self, value) -> dict:
        return {f"{self.column}__gte": day_start(value)}


class UntilDayFilter(_DayFilter):
    """Inclusive: the whole of that day."""

    def bound(self, value) -> dict:
        return {f"{self.column}__lt": day_start(value + timedelta(days=1))}
