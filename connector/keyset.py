"""Keyset ("seek") pagination for the HTML lists: constant cost on page 1 and page 10,000.

OFFSET pagination reads and throws away every row before the page, and a page count needs COUNT(*) over
the whole filtered table; both grow with the table. Here a page is ``WHERE key < last_key ORDER BY key
LIMIT n+1``, which an index on the key answers by reading n+1 entries. The key always ends with a unique
column (``id``), so rows with equal timestamps are neither repeated nor skipped.

Cursors are opaque and signed (``django.core.signing``): a client cannot forge a position into a query,
and a tampered cursor is reported as ``InvalidCursor`` (the views then show the first page).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.core import signing
from django.db.models import Q, QuerySet


class InvalidCursor(ValueError):
    """The cursor was not signed by us, or belongs to another list or sort order."""


@dataclass(frozen=True)
class KeysetOrder:
    """An ordering usable for keyset pagination: fields all ascending or all descending, last one unique."""

    name: str
    fields: tuple[str, ...]
    descending: bool

    @property
    def order_by(self) -> list[str]:
        prefix = "-" if self.descending else ""
        return [prefix + f for f in self.fields]

    @property
    def reverse_order_by(self) -> list[str]:
        prefix = "" if self.descending else "-"
        return [prefix + f for f in self.fields]


@dataclass
class KeysetPage:
    rows: list
    next_cursor: str | None = None
    prev_cursor: str | None = None
    extra: dict = field(default_factory=dict)

    @property
    def has_other_pages(self) -> bool:
        return bool(self.next_cursor or self.prev_cursor)


def _after(fields: tuple[str, ...], values: tuple, descending: bool) -> Q:
    """Rows strictly after ``values`` in the given direction, as ``f1 <= v1 AND (f1 < v1 OR (...))``.

    The leading non-strict range on the first column is what lets every database use the index as a
    range scan; the nested OR only refines it (a plain OR-of-ANDs makes PostgreSQL fall back to a scan).
    """
    lt, le = ("lt", "lte") if descending else ("gt", "gte")
    first, rest = fields[0], fields[1:]
    if not rest:
        return Q(**{f"{first}__{lt}": values[0]})
    return Q(**{f"{first}__{le}": values[0]}) & (
        Q(**{f"{first}__{lt}": values[0]}) | _after(rest, values[1:], descending)
    )


def _encode(value):
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


class Keyset:
    """Paginate a queryset by one of several named orders, with signed cursors bound to list and order."""

    def __init__(self, *, name: str, orders: list[KeysetOrder], per_page: int = 50):
        self.name = name
        self.orders = {o.name: o for o in orders}
        self.default = orders[0]
        self.per_page = per_page

    def order(self, name: str | None) -> KeysetOrder:
        return self.orders.get(name or "", self.default)

    def _salt(self) -> str:
        return f"connector.keyset:{self.name}"

    def _cursor(self, order: KeysetOrder, row, direction: str) -> str:
        values = [_encode(getattr(row, f)) for f in order.fields]
        # Not compressed: a key this short never gets shorter (Django then keeps the plain form anyway), and
        # trying cost half of signing it. Cursors signed compressed by earlier versions still load.
        return signing.dumps({"o": order.name, "d": direction, "k": values}, salt=self._salt())

    def decode(self, cursor: str, order: KeysetOrder, model) -> tuple[str, tuple]:
        try:
            data = signing.loads(cursor, salt=self._salt())
        except signing.BadSignature as exc:
            raise InvalidCursor("The page link is not valid.") from exc
        if not isinstance(data, dict) or data.get("o") != order.name or data.get("d") not in ("n", "p"):
            raise InvalidCursor("The page link belongs to another list or sort order.")
        raw = data.get("k")
        if not isinstance(raw, list) or len(raw) != len(order.fields):
            raise InvalidCursor("The page link is not valid.")
        try:
            values = tuple(model._meta.get_field(f).to_python(v) for f, v in zip(order.fields, raw, strict=True))
        except Exception as exc:  # ValidationError from to_python
            raise InvalidCursor("The page link is not valid.") from exc
        return data["d"], values

    def page(self, queryset: QuerySet, *, order: KeysetOrder, cursor: str | None = None) -> KeysetPage:
        """One page (``per_page`` rows) after/before ``cursor``; raises InvalidCursor for a bad one."""
        n = self.per_page
        if not cursor:
            rows = list(queryset.order_by(*order.order_by)[: n + 1])
            more = len(rows) > n
            rows = rows[:n]
            return KeysetPage(rows, next_cursor=self._cursor(order, rows[-1], "n") if more else None)

        direction, values = self.decode(cursor, order, queryset.model)
        if direction == "n":
            rows = list(queryset.filter(_after(order.fields, values, order.descending))
                        .order_by(*order.order_by)[: n + 1])
            more = len(rows) > n
            rows = rows[:n]
            return KeysetPage(
                rows,
                next_cursor=self._cursor(order, rows[-1], "n") if more else None,
                prev_cursor=self._cursor(order, rows[0], "p") if rows else None,
            )
        rows = list(queryset.filter(_after(order.fields, values, not order.descending))
                    .order_by(*order.reverse_order_by)[: n + 1])
        more = len(rows) > n
        rows = rows[:n][::-1]
        return KeysetPage(
            rows,
            next_cursor=self._cursor(order, rows[-1], "n") if rows else None,
            prev_cursor=self._cursor(order, rows[0], "p") if more else None,
        )
