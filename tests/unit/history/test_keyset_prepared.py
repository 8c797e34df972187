"""Pages of an unfiltered list come from statements compiled once per process (connector/keyset.py:_PreparedPage):
the same rows, cursors and order as the ORM gives, one query per page, and any filter goes back to the ORM."""
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from accessrequests import selectors
from accessrequests.models import AccessRequest
from connector.keyset import Keyset, _PreparedPage
from connector.selectors import audit as audit_selectors
from connector.services.audit import audit_record
from tests.history_fixtures import T0

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(make_request):
    """23 requests in groups sharing one timestamp, names and statuses repeating, ids not in time order."""
    made = []
    for i in reversed(range(23)):
        windowed = bool(i % 2)
        made.append(make_request(requested_at=T0 + timedelta(minutes=i // 4, microseconds=i % 2),
                                 requester_name=f"user{i % 3}", status=("Pending", "Denied", "Approved")[i % 3],
                                 window_start=T0 if windowed else None,
                                 window_end=T0 + timedelta(hours=1) if windowed else None))
    return made


def _keyset(base, orders):
    return Keyset(name="prepared-test", orders=orders, per_page=5, base=base)


def _walk(keyset, order, queryset, unfiltered):
    """Every page forwards, then every page backwards from the last: [(rows, next cursor, prev cursor)]."""
    pages, cursor = [], None
    while True:
        page = keyset.page(queryset, order=order, cursor=cursor, unfiltered=unfiltered)
        pages.append(page)
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    cursor = pages[-1].prev_cursor
    while cursor:
        page = keyset.page(queryset, order=order, cursor=cursor, unfiltered=unfiltered)
        pages.append(page)
        cursor = page.prev_cursor
    return [(page.rows, keyset.decode(page.next_cursor, order, queryset.model) if page.next_cursor else None,
             keyset.decode(page.prev_cursor, order, queryset.model) if page.prev_cursor else None) for page in pages]


@pytest.mark.parametrize("sort", [o.name for o in selectors.HISTORY_ORDERS])
@pytest.mark.parametrize("zone", ["UTC", "America/St_Johns"])
def test_history_pages_are_the_orms_in_every_order(many, sort, zone):
    keyset = _keyset(selectors.LIST_ROWS, selectors.HISTORY_ORDERS)
    order = keyset.order(sort)
    with override_settings(TIME_ZONE=zone):
        prepared = _walk(keyset, order, selectors.LIST_ROWS.all(), unfiltered=True)
        orm = _walk(keyset, order, selectors.LIST_ROWS.all(), unfiltered=False)
    assert prepared == orm
    assert len(prepared) == 9 and sum(len(rows) for rows, _, _ in prepared[:5]) == 23
    built = list(keyset._prepared.values())
    assert len(built) == 3 and all(isinstance(p, _PreparedPage) for p in built)  # first, next and previous pages


@pytest.mark.parametrize("sort", [o.name for o in audit_selectors.AUDIT_ORDERS])
def test_audit_pages_are_the_orms(sort):
    for i in range(17):
        audit_record(action=f"test.{i % 4}", outcome="success", actor_name=f"user{i % 3}", target_type="endpoint",
                     target_id=str(i), message="x")
    keyset = _keyset(audit_selectors.LIST_ROWS, audit_selectors.AUDIT_ORDERS)
    order = keyset.order(sort)
    prepared = _walk(keyset, order, audit_selectors.LIST_ROWS.all(), unfiltered=True)
    assert prepared == _walk(keyset, order, audit_selectors.LIST_ROWS.all(), unfiltered=False)
    assert sum(len(rows) for rows, _, _ in prepared[:4]) == 17
    assert all(isinstance(p, _PreparedPage) for p in keyset._prepared.values())


def test_a_page_is_one_query_and_no_compile(many, monkeypatch):
    keyset = _keyset(selectors.LIST_ROWS, selectors.HISTORY_ORDERS)
    order = keyset.order(None)
    first = keyset.page(selectors.LIST_ROWS.all(), order=order, unfiltered=True)
    second = keyset.page(selectors.LIST_ROWS.all(), order=order, cursor=first.next_cursor, unfiltered=True)
    keyset.page(selectors.LIST_ROWS.all(), order=order, cursor=second.prev_cursor, unfiltered=True)

    def no_compile(*args, **kwargs):
        raise AssertionError("compiled a query")

    monkeypatch.setattr("django.db.models.sql.query.Query.get_compiler", no_compile)
    with CaptureQueriesContext(connection) as queries:
        again = keyset.page(selectors.LIST_ROWS.all(), order=order, cursor=first.next_cursor, unfiltered=True)
        keyset.page(selectors.LIST_ROWS.all(), order=order, cursor=again.prev_cursor, unfiltered=True)
    assert len(queries) == 2 and again.rows == second.rows


def test_filtered_lists_use_the_orm(many, monkeypatch):
    """A filter narrows the list: the selector asks for the ORM, and the page holds only matching rows."""
    def no_prepared(*args, **kwargs):
        raise AssertionError("a filtered list was paged by a prepared statement")

    monkeypatch.setattr(Keyset, "_prepared_rows", no_prepared)
    filterset = selectors.access_request_filterset({"status": "Denied"})
    page = selectors.access_request_page(filterset=filterset, sort=None, cursor=None)
    assert filterset.narrows and page.rows and {r.status for r in page.rows} == {"Denied"}
    second = selectors.access_request_page(filterset=selectors.access_request_filterset({"status": "Denied"}),
                                           sort=None, cursor=page.next_cursor)
    assert {r.status for r in second.rows} == {"Denied"}


@pytest.mark.parametrize("data,narrows", [
    (None, False), ({}, False), ({"status": ""}, False), ({"sort": "requester"}, False),
    ({"status": "NotAStatus"}, False),  # invalid: the form drops it, nothing is filtered (as before)
    ({"status": "Denied"}, True), ({"q": "user1"}, True), ({"requester": "user1"}, True),
])
def test_narrows_says_whether_a_filter_applied(many, data, narrows):
    filterset = selectors.access_request_filterset(data)
    assert filterset.narrows is narrows
    assert (filterset.qs.count() < AccessRequest.objects.count()) is narrows


def test_zone_settings_get_their_own_statement(many):
    """The statement and its converters are per database time zone: a settings change is not served stale."""
    keyset = _keyset(selectors.LIST_ROWS, selectors.HISTORY_ORDERS)
    order = keyset.order(None)
    keyset.page(selectors.LIST_ROWS.all(), order=order, unfiltered=True)
    with override_settings(TIME_ZONE="Asia/Kathmandu", USE_TZ=False):
        page = keyset.page(selectors.LIST_ROWS.all(), order=order, unfiltered=True)
        assert page.rows == list(selectors.LIST_ROWS.order_by(*order.order_by)[:5])
        assert page.rows[0].requested_at.tzinfo is None
    assert len(keyset._prepared) == 2


@pytest.mark.parametrize("other", [
    lambda: AccessRequest.objects.all(),  # model instances, not the list's named tuples
    lambda: AccessRequest.objects.values_list("id", "requested_at", named=True),  # other columns
    lambda: selectors.LIST_ROWS.filter(status="Approved"),  # filtered
])
def test_a_caller_saying_unfiltered_of_another_queryset_gets_the_orm(many, other):
    keyset = _keyset(selectors.LIST_ROWS, selectors.HISTORY_ORDERS)
    order = keyset.order(None)
    queryset = other()
    assert keyset.page(queryset, order=order, unfiltered=True).rows == list(queryset.order_by(*order.order_by)[:5])
    assert not keyset._prepared
