"""Whole-day date filters for the history and audit FilterSets (form, CSV export and REST API alike).

A date is turned into aware datetime bounds in the current time zone, so the filter is a range on the indexed
timestamp column; ``column__date`` would wrap the column in a function and lose the index.

The ends of the calendar are clamped rather than computed: the midnight after 9999-12-31 does not exist, and
in a time zone east or west of UTC the first or last day's midnight is outside what a UTC datetime can hold
(both were OverflowErrors, i.e. 500s on the pages, CSVs and APIs). A bound that cannot exist is no bound.
"""
from datetime import UTC, date, datetime, time, timedelta

import django_filters
from django import forms
from django.utils import timezone
from django_filters.constants import EMPTY_VALUES


def day_start(day) -> datetime:
    """Midnight at the start of ``day`` in the current time zone (aware)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def _utc_day_start(day) -> datetime | None:
    """``day_start`` as UTC, or None when that instant is outside what a datetime can hold."""
    try:
        return day_start(day).astimezone(UTC)
    except (OverflowError, ValueError):
        return None


class _DayFilter(django_filters.DateFilter):
    """A date picker filtering ``column`` (the timestamp field) by whole days."""

    def __init__(self, column: str, **kwargs):
        self.column = column
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        super().__init__(**kwargs)

    def filter(self, qs, value):
        if value in EMPTY_VALUES:
            return qs
        bound = self.bound(value)
        return qs.none() if bound is None else qs.filter(**bound)


class FromDayFilter(_DayFilter):
    """From the start of that day. Before the first representable instant: no bound; after the last: nothing."""

    def bound(self, value) -> dict | None:
        start = _utc_day_start(value)
        if start is None:
            return {} if value.year < 5000 else None
        return {f"{self.column}__gte": start}


class UntilDayFilter(_DayFilter):
    """Inclusive: the whole of that day. Until the last day a date can hold (9999-12-31) means no upper bound."""

    def bound(self, value) -> dict | None:
        if value >= date.max:
            return {}
        end = _utc_day_start(value + timedelta(days=1))
        if end is None:
            return None if value.year < 5000 else {}
        return {f"{self.column}__lt": end}


# Django's "Select a valid choice. <value> is not one of the available choices." repeats the input into the
# page and the API's JSON; a filter never needs to show back what it refused.
NO_ECHO_CHOICE_ERRORS = {"invalid_choice": "Select a valid choice."}
