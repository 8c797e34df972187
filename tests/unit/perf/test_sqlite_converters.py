"""The SQLite backend's datetime converter (scimsite/db/sqlite3/base.py) gives what Django's gives, at a fraction of
the cost per value."""
from datetime import UTC, datetime, timedelta, timezone as fixed_zone
from zoneinfo import ZoneInfo

import pytest
from django.db import connection, connections
from django.db.models import DateTimeField
from django.db.models.expressions import Value
from django.test import override_settings
from django.utils import timezone

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite backend")

EXPRESSION = Value(None, output_field=DateTimeField())
VALUES = [None, datetime(2026, 3, 29, 1, 30, 5, 123456), datetime(1999, 12, 31, 23, 59, 59),
          "2026-03-29 01:30:05.123456", "2026-03-29T01:30:05", "2026-03-29 01:30:05+02:00",
          datetime(2026, 3, 29, 1, 30, tzinfo=fixed_zone(timedelta(hours=-3)))]


def _both():
    from django.db.backends.sqlite3.operations import DatabaseOperations as DjangoOperations  # SQLite runs only

    ours = [c for c in connection.ops.get_db_converters(EXPRESSION)]
    django = DjangoOperations.get_db_converters(connection.ops, EXPRESSION)
    assert len(ours) == len(django)
    return ours, django


@pytest.mark.parametrize("use_tz", [True, False])
def test_same_values_as_djangos_converter(use_tz):
    with override_settings(USE_TZ=use_tz):
        ours, django = _both()
        for value in VALUES:
            mine, theirs = value, value
            for c in ours:
                mine = c(mine, EXPRESSION, connection)
            for c in django:
                theirs = c(theirs, EXPRESSION, connection)
            assert mine == theirs and getattr(mine, "tzinfo", None) == getattr(theirs, "tzinfo", None), value


def test_the_connections_zone_is_attached():
    wrapper = connections["default"]  # the wrapper itself (``connection`` is a proxy): its cached zone is reset
    wrapper.settings_dict["TIME_ZONE"] = "Europe/Paris"
    wrapper.__dict__.pop("timezone", None)
    try:
        (convert,) = [c for c in wrapper.ops.get_db_converters(EXPRESSION)]
        assert convert(datetime(2026, 1, 1, 12), EXPRESSION, wrapper).tzinfo == ZoneInfo("Europe/Paris")
    finally:
        wrapper.settings_dict["TIME_ZONE"] = None
        wrapper.__dict__.pop("timezone", None)
    (convert,) = [c for c in wrapper.ops.get_db_converters(EXPRESSION)]
    assert convert(datetime(2026, 1, 1, 12), EXPRESSION, connection).tzinfo is UTC


@pytest.mark.django_db
def test_a_history_page_asks_no_value_for_its_offset(monkeypatch):
    """Django's converter asked each of the page's 150 datetime values for its offset twice (is_aware)."""
    from accessrequests.models import AccessRequest
    from accessrequests.selectors import access_request_filterset, access_request_page

    AccessRequest.objects.bulk_create(
        AccessRequest(ss_request_id=i, secret_id=7, requester_name="a", status="Approved", comment="",
                      requested_at=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=i),
                      window_start=datetime(2026, 1, 1, tzinfo=UTC), window_end=datetime(2026, 1, 2, tzinfo=UTC))
        for i in range(60))
    calls = []
    real = timezone.is_aware
    monkeypatch.setattr(timezone, "is_aware", lambda value: calls.append(1) or real(value))
    page = access_request_page(filterset=access_request_filterset({}), sort=None, cursor=None)
    assert len(page.rows) == 50 and page.rows[0].requested_at.tzinfo is UTC
    assert len(calls) < 10, len(calls)
