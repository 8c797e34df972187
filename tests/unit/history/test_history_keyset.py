"""Keyset pagination: every row exactly once across pages, in both directions, even with equal timestamps."""
from datetime import timedelta

import pytest
from django.urls import reverse

from accessrequests import selectors
from accessrequests.models import AccessRequest
from connector.keyset import InvalidCursor, Keyset
from tests.history_fixtures import T0

pytestmark = pytest.mark.django_db


@pytest.fixture
def many(make_request):
    # 23 rows, in groups sharing one timestamp, so the id tie-breaker decides the order.
    return [make_request(requested_at=T0 + timedelta(minutes=i // 4), requester_name=f"user{i % 3}",
                         status="Pending" if i % 2 else "Denied") for i in range(23)]


def _walk(keyset, sort, queryset):
    order = keyset.order(sort)
    seen, cursor, pages = [], None, []
    while True:
        page = keyset.page(queryset, order=order, cursor=cursor)
        pages.append(page)
        seen += [r.pk for r in page.rows]
        if not page.next_cursor:
            return seen, pages
        cursor = page.next_cursor


@pytest.mark.parametrize("sort", [o.name for o in selectors.HISTORY_ORDERS])
def test_every_order_visits_each_row_once_in_order(many, sort):
    keyset = Keyset(name="history", orders=selectors.HISTORY_ORDERS, per_page=5)
    seen, pages = _walk(keyset, sort, AccessRequest.objects.all())
    expected = list(AccessRequest.objects.order_by(*keyset.order(sort).order_by).values_list("pk", flat=True))
    assert seen == expected and len(seen) == 23 and len(pages) == 5


def test_previous_pages_mirror_next_pages(many):
    keyset = Keyset(name="history", orders=selectors.HISTORY_ORDERS, per_page=5)
    order = keyset.order(None)
    _, pages = _walk(keyset, None, AccessRequest.objects.all())
    back = keyset.page(AccessRequest.objects.all(), order=order, cursor=pages[2].prev_cursor)
    assert [r.pk for r in back.rows] == [r.pk for r in pages[1].rows]
    first = keyset.page(AccessRequest.objects.all(), order=order, cursor=pages[1].prev_cursor)
    assert [r.pk for r in first.rows] == [r.pk for r in pages[0].rows] and first.prev_cursor is None


@pytest.mark.parametrize("cursor", ["garbage", "eyJvIjoiLXJlcXVlc3RlZF9hdCJ9:abc:def"])
def test_tampered_cursor_is_rejected(many, cursor):
    keyset = Keyset(name="history", orders=selectors.HISTORY_ORDERS, per_page=5)
    with pytest.raises(InvalidCursor):
        keyset.page(AccessRequest.objects.all(), order=keyset.order(None), cursor=cursor)


def test_cursor_of_another_sort_is_rejected(many):
    keyset = Keyset(name="history", orders=selectors.HISTORY_ORDERS, per_page=5)
    page = keyset.page(AccessRequest.objects.all(), order=keyset.order("requester"))
    with pytest.raises(InvalidCursor):
        keyset.page(AccessRequest.objects.all(), order=keyset.order("status"), cursor=page.next_cursor)


def test_history_page_walk_through_the_view_has_no_duplicates_or_gaps(auditor, many):
    url, seen = reverse("accessrequests:history"), []
    response = auditor.get(url)
    while True:
        seen += [r.id for r in response.context["page"].rows]
        next_url = response.context["page_next_url"]
        if not next_url:
            break
        response = auditor.get(url + next_url)
    assert sorted(seen) == sorted(r.pk for r in many) and len(seen) == len(set(seen))


def test_tampered_cursor_in_the_view_shows_the_first_page_with_a_notice(auditor, many):
    response = auditor.get(reverse("accessrequests:history"), {"cursor": "tampered"})
    assert response.status_code == 200
    assert response.context["cursor_warning"]
    assert len(response.context["page"].rows) == 23


def test_cursors_are_signed_without_trying_compression_and_old_compressed_ones_still_load(make_request, monkeypatch):
    """A keyset cursor is too short to shrink: trying zlib cost half of signing it (two cursors per page)."""
    import zlib

    from django.core import signing

    from accessrequests.selectors import HISTORY_KEYSET

    for i in range(60):
        make_request(requester_name=f"c{i}", requested_at=T0 + timedelta(minutes=i))
    compressions = []
    real = zlib.compress
    monkeypatch.setattr(signing.zlib, "compress", lambda *a, **k: compressions.append(1) or real(*a, **k))
    page = selectors.access_request_page(filterset=selectors.access_request_filterset({}), sort=None, cursor=None)
    assert page.next_cursor and compressions == []
    order = HISTORY_KEYSET.order(None)
    payload = signing.loads(page.next_cursor, salt=HISTORY_KEYSET._salt())
    old_style = signing.dumps(payload, salt=HISTORY_KEYSET._salt(), compress=True)
    assert HISTORY_KEYSET.decode(old_style, order, AccessRequest) == HISTORY_KEYSET.decode(
        page.next_cursor, order, AccessRequest)
