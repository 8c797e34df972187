"""The SQLite backend (``DATABASE_URL=sqlite://…`` selects it: scimsite/settings.py): Django's own, with a cheaper
converter for datetime columns.

Django converts every datetime value read from SQLite twice: the sqlite3 module parses the text, then
``DatabaseOperations.convert_datetimefield_value`` reads ``settings.USE_TZ`` (a lazy-settings lookup), asks the
value for its offset twice (``is_aware`` in ``convert`` and again in ``make_aware``) and replaces its tzinfo. A
history page reads 150 such values (three columns, 51 rows): that chain was a third of its keyset query's
Python time. Here the converter is built once per query with the zone already decided, and does only what
Django's does for the values SQLite yields (naive datetimes, or text): attach the connection's zone to a naive
value when USE_TZ is on. Pinned against Django's converter by tests/unit/perf/test_sqlite_converters.py.
"""
import datetime

from django.conf import settings
from django.db.backends.sqlite3 import base, operations
from django.utils.dateparse import parse_datetime


class DatabaseOperations(operations.DatabaseOperations):
    def get_db_converters(self, expression):
        converters = super().get_db_converters(expression)
        return [self.datetime_converter() if converter == self.convert_datetimefield_value else converter
                for converter in converters]

    def datetime_converter(self):
        """Django's ``convert_datetimefield_value`` with ``USE_TZ`` and the zone read once per query."""
        zone = self.connection.timezone if settings.USE_TZ else None

        def convert(value, expression, connection):
            if value is None:
                return None
            if not isinstance(value, datetime.datetime):
                value = parse_datetime(value)
            if zone is not None and value.tzinfo is None:
                value = value.replace(tzinfo=zone)
            return value

        return convert


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations
