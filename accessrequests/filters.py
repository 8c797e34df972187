"""The one FilterSet for access requests, shared by the history page, its CSV export and the REST API.

Scale notes (100,000+ requests): every filter is an equality or a range that an index answers together with
the (requested_at, id) keyset order — ``requester``/``reviewer`` match the whole user name case-insensitively,
as Secret Server compares user names (``LOWER(name) = LOWER(%s)``, expression indexes
``ar_requester_ci_requested``/``ar_reviewer_ci_requested``), ``status`` uses ``ar_status_requested``, and the
dates are converted to datetime bounds (``requested_at__date`` would wrap the column in a function and
lose the index).

Free text ``q`` is an indexed word search (migration 0002_history_search): every word of the query must
occur as a word, or the beginning of a word, in requester, reviewer, comment or justification. Words are
runs of letters and digits; ASCII punctuation separates words on both sides (``alice@example.com`` is the
words ``alice example com``), and case does not matter. Substring search (``icontains``) cannot use a B-tree
index: a search that matches nothing read all 100,000 rows (150–210 ms), and would keep growing with the
mirror. Word search answers that from an inverted index on both databases:

* PostgreSQL: ``search_vector @@ to_tsquery('simple', 'w1':* & 'w2':*)`` on the GIN-indexed generated column.
* SQLite: ``id IN (SELECT rowid FROM accessrequests_accessrequest_fts WHERE … MATCH '"w1"* "w2"*')``.
  SQLite always drives that plan from the IN list (look up every match by id, then sort), which is ideal
  for rare words and slow for common ones (every row matches "ticket": 260 ms). So ``_sqlite_search``
  first reads the newest SQLITE_DRIVE_LIMIT (500) matches (highest ids) from the FTS index. Fewer → every
  match is known and rare: that plan (at most 500 lookups). As many → a common search: SQLite walks the sort
  order's (or a filter's) index and checks each row against those newest matches, held as a list
  (``json_each``). Rows older than the list (lower ids) are checked against the whole match set instead, in
  the ``ELSE`` branch of a ``CASE``, which SQLite materialises only when a row reaches it. Both branches
  together are exactly the rows that match, whatever the page, order or filters; for the newest pages of a
  common search (ids grow with time, as the sync inserts new requests) the ELSE branch is never reached,
  so the whole match set (12,500 ids for ``q=person01`` at 100,000 rows) is not materialised: 8.4 → 2.6 ms
  of SQL for that page (a 2,000-long list: 4.3 ms; 1,236 matches, rare under the old 2,000 limit: 5.4 →
  1.8 ms). ``+`` stops SQLite from driving the plan from an IN list. Measured on 100,000 rows:
  ≤ 30 ms for any word, rare or common. (The list and the page are two statements: a row written between
  them is shown by the next view, as if the page had been read a moment earlier.) Reading that list costs
  FTS5 one list per word beginning of one to eight letters (prefix indexes, migration 0004), not a merge of
  every word that starts with it.
* Other databases: each word as a substring (icontains) of one of the four columns (correct, not indexed).

User input never becomes SQL: the words are passed as parameters, and each is quoted for the MATCH/tsquery
mini-language, so operators typed by the user (``NEAR``, ``OR``, ``*``, ``"``, ``-``, ``:``, ``&``, ``!``)
are only text. A query with no letters or digits at all (``%``, ``*``) matches nothing.
"""
import json
import re

import django_filters
from django.db import connections
from django.db.models import BooleanField, Q, Value
from django.db.models.lookups import Exact
from django.db.models.expressions import RawSQL
from django.db.models.functions import Lower

from accessrequests.models import AccessRequest, AccessRequestStatus
from connector.day_filters import NO_ECHO_CHOICE_ERRORS, FromDayFilter, UntilDayFilter
from connector.fast_forms import FastFilterForm, FastFilterSet
from connector.models import SecretServerIdentity

SEARCH_HINT = "Matches words or word beginnings in requester, reviewer, comment and justification."
SEARCH_MAX_LENGTH = 200
SEARCH_MAX_WORDS = 10
# Whitespace and ASCII punctuation separate words; must match the migration's PG_DOCUMENT regex (SQLite's
# unicode61 tokenizer also splits on them).
SEPARATORS = re.compile(r"[\s!-/:-@\[-`{-~]+")
FTS_TABLE = "accessrequests_accessrequest_fts"
SQLITE_DRIVE_LIMIT = 500  # rare below, and the length of a common search's list of newest matches


class AccessRequestFilterSet(FastFilterSet):
    q = django_filters.CharFilter(
        method="filter_q", label="Search",
        help_text=SEARCH_HINT, max_length=SEARCH_MAX_LENGTH,
    )
    status = django_filters.ChoiceFilter(choices=AccessRequestStatus.choices, empty_label="Any status",
                                         error_messages=NO_ECHO_CHOICE_ERRORS)
    requester = django_filters.CharFilter(method="filter_requester", label="Requester",
                                          help_text="User name (any case).")
    reviewer = django_filters.CharFilter(method="filter_reviewer", label="Reviewer",
                                         help_text="User name or display name (any case).")
    requested_after = FromDayFilter("requested_at", label="Requested from")
    requested_before = UntilDayFilter("requested_at", label="Requested until")

    class Meta:
        model = AccessRequest
        form = FastFilterForm  # widgets rendered in Python (connector/fast_forms.py)
        fields = ["q", "status", "requester", "reviewer", "requested_after", "requested_before"]

    def filter_requester(self, queryset, name, value):
        value = value.strip()
        return queryset.filter(_name_is("requester_name", [value])) if value else queryset

    def filter_reviewer(self, queryset, name, value):
        """Secret Server records a reviewer by display name only; a user name is also matched through the
        display names of the people with that user name who signed in here (one small indexed lookup)."""
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(_name_is("reviewer_name", [value, *reviewer_display_names(value)]))

    def filter_q(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return search(queryset, value)


def _name_is(column: str, names: list[str]) -> Q:
    """``LOWER(column)`` equal to one of ``names`` lowered by the database itself, so both sides fold case
    the same way and the expression index on ``LOWER(column)`` answers it."""
    distinct = list(dict.fromkeys(n for n in names if n))
    lowered = Lower(column)
    if len(distinct) == 1:
        return Q(Exact(lowered, Lower(Value(distinct[0]))))
    condition = Q()
    for name in distinct:
        condition |= Q(Exact(lowered, Lower(Value(name))))
    return condition


def reviewer_display_names(user_name: str) -> list[str]:
    """Display names of the mirrored Secret Server users whose user name is ``user_name`` (any case, any domain)."""
    wanted = user_name.lower()
    rows = SecretServerIdentity.objects.filter(user__username__iendswith=user_name).values_list(
        "user__username", "display_name")
    return [display for username, display in rows if display and username.rsplit("\\", 1)[-1].lower() == wanted]


def search_words(value: str) -> list[str]:
    """The query's words, lower-cased, in order, without duplicates (at most SEARCH_MAX_WORDS)."""
    words = [w for w in SEPARATORS.split(value.lower()) if w]
    return list(dict.fromkeys(words))[:SEARCH_MAX_WORDS]


def fts5_query(words: list[str]) -> str:
    """FTS5 MATCH text: every word a quoted string (``"`` doubled) with a prefix ``*``, implicitly ANDed."""
    return " ".join('"' + w.replace('"', '""') + '"*' for w in words)


def tsquery(words: list[str]) -> str:
    """to_tsquery text: every word a quoted lexeme (``'`` doubled, ``\\`` escaped) with prefix ``:*``, ANDed."""
    return " & ".join("'" + w.replace("\\", "\\\\").replace("'", "''") + "':*" for w in words)


def search(queryset, value: str):
    """Rows whose requester, reviewer, comment or justification contain every word of ``value`` as a word or
    the beginning of one; see the module docstring for the index used on each database."""
    words = search_words(value)
    if not words:
        return queryset.none()
    vendor = connections[queryset.db].vendor
    table = queryset.model._meta.db_table
    if vendor == "postgresql":
        return queryset.filter(RawSQL(
            f'"{table}"."search_vector" @@ to_tsquery(\'simple\'::regconfig, %s)', [tsquery(words)],
            output_field=BooleanField()))
    if vendor == "sqlite":
        return _sqlite_search(queryset, table, fts5_query(words))
    condition = Q()
    for word in words:
        condition &= (Q(requester_name__icontains=word) | Q(reviewer_name__icontains=word)
                      | Q(comment__icontains=word) | Q(justification__icontains=word))
    return queryset.filter(condition)


def _sqlite_search(queryset, table: str, match: str):
    """The FTS5 search with the plan that suits how many rows match (see the module docstring)."""
    source = f'SELECT rowid FROM "{FTS_TABLE}" WHERE "{FTS_TABLE}" MATCH %s'
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"{source} ORDER BY rowid DESC LIMIT %s", [match, SQLITE_DRIVE_LIMIT])
        newest = [row[0] for row in cursor.fetchall()]
    if len(newest) < SQLITE_DRIVE_LIMIT:  # every match is in newest: drive the plan from the match list
        return queryset.filter(id__in=RawSQL(source, [match]))
    column = f'"{table}"."id"'
    return queryset.filter(RawSQL(
        f"CASE WHEN {column} >= %s THEN +{column} IN (SELECT value FROM json_each(%s)) "
        f"ELSE +{column} IN ({source}) END",
        [newest[-1], json.dumps(newest), match], output_field=BooleanField()))
