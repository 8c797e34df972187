"""The endpoint page's "Allow reading sensitive values" switch (issue 12) in a real browser: labelled, off by
default, saved when ticked; the unmapped-right line shows on Messages. No console errors, no serious axe finding."""
import pytest
from playwright.sync_api import expect

from connector.models import EndpointMirror
from scim.pam.schemas import CONTAINER_PERMISSION_SCHEMA, CONTAINER_SCHEMA
from tests.browser.test_scim_pages import no_serious_axe_findings, signed_in
from tests.scim.conftest import connector, endpoint, scim, ss_app  # noqa: F401  (the SCIM fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


def test_switch_on_the_endpoint_page_and_unmapped_rights_on_messages(page, live_server, endpoint, scim, ss_app,
                                                                     screenshot):  # noqa: F811
    signed_in(page, live_server)
    page.goto(f"{live_server.url}/settings/endpoints/{endpoint.endpoint.ss_secret_id}/")
    switch = page.get_by_label("Allow reading sensitive values")
    expect(switch).not_to_be_checked()
    no_serious_axe_findings(page)
    screenshot(page, "pam-endpoint-switch", full_page=True)
    switch.check()
    page.get_by_role("button", name="Save").first.click()
    page.wait_for_load_state()
    assert EndpointMirror.objects.get(ss_secret_id=endpoint.endpoint.ss_secret_id).allow_sensitive_reads

    folder = scim.post("/v2/Containers", {"schemas": [CONTAINER_SCHEMA], "name": "Browser box"}).json_body["id"]
    alice = next(u for u in ss_app.search_users("alice") if u.user_name == "alice")
    scim.post("/v2/ContainerPermissions", {"schemas": [CONTAINER_PERMISSION_SCHEMA], "container": {"value": folder},
                                           "user": {"value": str(alice.id)}, "rights": ["superuser"]})
    page.goto(live_server.url + "/messages/")
    expect(page.locator("#messages-feed")).to_contain_text("SCIM Connector could not find mapping for superuser")
    screenshot(page, "pam-messages-unmapped", full_page=True)
    assert page.console_errors == []
