"""Django admin (issue 9): administrators and auditors browse it read-only with view permissions from their role.

Before: every model page answered 403 to them, because the only backend granted no permission at all."""
import pytest

from connector.models import AuditEvent

from .conftest import sign_in

pytestmark = pytest.mark.django_db

MODEL_PAGES = ["/admin/connector/auditevent/", "/admin/connector/endpointmirror/", "/admin/connector/foldermirror/",
               "/admin/connector/settingsmirror/", "/admin/accessrequests/accessrequest/",
               "/admin/accessrequests/accessrequestevent/"]


@pytest.mark.parametrize("username", ["admin", "carol"])  # administrator (Owner share), auditor (group)
def test_connector_roles_browse_every_model_page_read_only(ss, connector, browser, username):
    assert sign_in(browser, username).status_code == 302
    index = browser.get("/admin/")
    assert index.status_code == 200
    listed = {model["admin_url"] for app in index.context["app_list"] for model in app["models"]}
    assert set(MODEL_PAGES) <= listed
    for page in MODEL_PAGES:
        assert browser.get(page).status_code == 200, page
    event = AuditEvent.objects.order_by("seq").first()
    detail = browser.get(f"/admin/connector/auditevent/{event.pk}/change/")
    assert detail.status_code == 200 and not detail.context["has_change_permission"]
    assert browser.get("/admin/connector/auditevent/add/").status_code == 403
    assert browser.get(f"/admin/connector/auditevent/{event.pk}/delete/").status_code == 403
    assert browser.get("/admin/auth/user/").status_code == 403  # nothing outside the connector's own apps
    assert browser.get("/admin/auth/group/").status_code == 403


def test_the_admin_sites_own_sign_in_gives_the_same_read_only_view(ss, connector, browser):
    from tests.conftest import DEMO_PASSWORDS

    response = browser.post("/admin/login/?next=/admin/", {"username": "carol", "password": DEMO_PASSWORDS["carol"]})
    assert response.status_code == 302
    assert browser.get("/admin/connector/auditevent/").status_code == 200


def test_staff_without_a_connector_role_in_the_session_see_nothing(ss, connector, browser):
    from django.contrib.auth import get_user_model

    assert sign_in(browser, "carol").status_code == 302
    session = browser.session
    del session["connector_access"]  # e.g. a session made some other way
    session.save()
    assert get_user_model().objects.get(username="carol").is_staff
    assert browser.get("/admin/connector/auditevent/").status_code == 403
