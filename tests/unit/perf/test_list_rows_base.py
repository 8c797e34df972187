"""The list pages' filters start from a per-process queryset whose columns are resolved once (LIST_ROWS): it must
never be evaluated itself (its result cache would be shared by every later view of that process)."""
import pytest
from django.urls import reverse

from accessrequests import selectors as history
from connector.selectors import audit
from tests.history_fixtures import _clear_cache, auditor, make_request  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def test_views_and_exports_leave_the_shared_base_unevaluated(auditor, make_request):
    make_request(requester_name="ann", comment="deploy")
    for name, params in [("accessrequests:history", {}), ("accessrequests:history", {"q": "deploy"}),
                         ("accessrequests:export", {}), ("connector:audit", {}), ("connector:audit-export", {})]:
        response = auditor.get(reverse(name), params)
        assert response.status_code == 200
        if response.streaming:
            b"".join(response.streaming_content)
    assert history.LIST_ROWS._result_cache is None and audit.LIST_ROWS._result_cache is None
    page = history.access_request_page(filterset=history.access_request_filterset({}), sort=None, cursor=None)
    assert [r.requester_name for r in page.rows] == ["ann"] and history.LIST_ROWS._result_cache is None
