"""Fixtures shared by tests/unit/history and tests/integration/history (imported by their conftest.py)."""
from datetime import UTC, datetime, timedelta
from itertools import count

import pytest
from django.core.cache import cache

from accessrequests.models import AccessRequest, AccessRequestEvent
from connector.access import Role
from tests.helpers import sign_in_as

T0 = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)
_ids = count(1000)


@pytest.fixture(autouse=True)
def _clear_cache(settings):
    """A clean cache, and no redirect to the setup page (these tests are about browsing the mirror)."""
    settings.CONNECTOR_SETUP_REDIRECT = False
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def auditor(client):
    sign_in_as(client, "audrey", Role.AUDITOR)
    return client


@pytest.fixture
def make_request():
    """make_request(**fields) -> AccessRequest with sensible defaults."""

    def make(**fields):
        values = {"ss_request_id": next(_ids), "secret_id": 7, "requester_name": "alice", "status": "Pending",
                  "requested_at": T0, "comment": "need access"}
        values.update(fields)
        return AccessRequest.objects.create(**values)

    return make


@pytest.fixture
def approved_with_timeline(make_request):
    ar = make_request(status="Approved", reviewer_name="bob", justification="on call",
                      reviewed_at=T0 + timedelta(minutes=5), window_start=T0 + timedelta(minutes=5),
                      window_end=T0 + timedelta(hours=2))
    AccessRequestEvent.objects.create(request=ar, time=T0, status="Pending", actor_name="alice")
    AccessRequestEvent.objects.create(request=ar, time=T0 + timedelta(minutes=5), from_status="Pending",
                                      status="Approved", actor_name="bob", justification="on call",
                                      window_start=ar.window_start, window_end=ar.window_end)
    AccessRequestEvent.objects.create(request=ar, time=T0 + timedelta(hours=2), from_status="Approved",
                                      status="Expired")
    return ar
