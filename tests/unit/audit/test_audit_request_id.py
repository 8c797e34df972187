"""Every audit row of one request carries the request's id (X-Request-ID) and source IP."""
import pytest
from django.http import JsonResponse
from django.urls import path

from connector.models import AuditEvent
from connector.services.audit import audit_record, audited

pytestmark = pytest.mark.django_db


def _two_rows_view(request):
    audit_record(action="test.first", outcome="success")  # request from the ContextVar
    with audited(action="test.second", request=request):
        pass
    return JsonResponse({})


class Urls:
    urlpatterns = [path("audit-probe/", _two_rows_view)]


@pytest.fixture(autouse=True)
def _probe_urls(settings):
    settings.ROOT_URLCONF = Urls


def test_the_rows_of_one_request_share_its_id_and_ip(client):
    response = client.get("/audit-probe/", REMOTE_ADDR="198.51.100.7")

    rows = list(AuditEvent.objects.order_by("seq").values_list("action", "outcome", "request_id", "source_ip"))
    request_id = response["X-Request-ID"]
    assert rows == [("test.first", "success", request_id, "198.51.100.7"),
                    ("test.second", "intent", request_id, "198.51.100.7"),
                    ("test.second", "success", request_id, "198.51.100.7")]


def test_an_incoming_trace_id_is_used_and_separate_requests_get_separate_ids(client, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]  # the test client's address
    client.get("/audit-probe/", HTTP_X_REQUEST_ID="trace-abcdef123")
    client.get("/audit-probe/")
    ids = list(AuditEvent.objects.order_by("seq").values_list("request_id", flat=True))
    assert ids[:3] == ["trace-abcdef123"] * 3
    assert len(set(ids[3:])) == 1 and ids[3] != "trace-abcdef123"


def test_the_signed_in_user_is_the_actor_by_default(client, django_user_model):
    henry = django_user_model.objects.create_user("henry")
    client.force_login(henry)
    client.get("/audit-probe/")
    assert set(AuditEvent.objects.values_list("actor_id", "actor_name")) == {(henry.pk, "henry")}


def test_a_client_cannot_choose_its_rows_request_id(client, settings):
    settings.TRUSTED_PROXIES = []
    client.get("/audit-probe/", HTTP_X_REQUEST_ID="trace-abcdef123")
    assert "trace-abcdef123" not in set(AuditEvent.objects.values_list("request_id", flat=True))
