"""Friendly error pages: 403/404/500 handlers, and Secret Server outages turned into the 503 page."""
import pytest
from django.test import Client
from django.urls import path

from connector.access import Role
from connector.errors import SecretServerUnavailable
from tests.helpers import sign_in_as

pytestmark = pytest.mark.django_db


def _down(request):
    raise SecretServerUnavailable()  # what a service raises after translating the client's Unavailable


def _boom(request):
    raise RuntimeError("bug")


urlpatterns = [path("down/", _down), path("api/down/", _down), path("boom/", _boom)]
handler403 = "connector.views.errors.permission_denied"
handler404 = "connector.views.errors.page_not_found"
handler500 = "connector.views.errors.server_error"


@pytest.fixture(autouse=True)
def _no_setup_redirect(settings):
    settings.CONNECTOR_SETUP_REDIRECT = False


def test_an_auditor_on_an_admin_page_reads_the_product_message(client):
    sign_in_as(client, "carol", Role.AUDITOR, ss_user_id=6)
    response = client.get("/settings/endpoints/add/")  # auditors read settings pages, never add
    assert response.status_code == 403
    html = response.content.decode()
    assert ("Login does not have permission to access SCIM Connector. "
            "Contact SCIM Connector owner for access.") in html
    assert "have access to this page" in html


def test_an_unknown_address_gets_the_friendly_404(client):
    sign_in_as(client, "admin")
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "We couldn" in response.content.decode()


def test_secret_server_unavailable_in_a_view_is_the_503_page(client, settings):
    settings.ROOT_URLCONF = __name__
    sign_in_as(client, "admin")
    response = client.get("/down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "Secret Server service unavailable." in response.content.decode()
    api = client.get("/api/down/")
    assert api.status_code == 503 and api.json() == {"detail": "Secret Server service unavailable."}


def test_other_exceptions_still_reach_the_500_page(settings):
    settings.ROOT_URLCONF = __name__
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()
