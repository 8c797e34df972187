"""The SCIM parts of the UI in a real browser: Messages (SCIM requests, failures standing out) and the
endpoint page's base URL next to the token. No console errors, no serious axe finding."""
import pytest
from axe_playwright_python.sync_playwright import Axe
from django.test import Client
from playwright.sync_api import expect

from tests.helpers import sign_in_as
from tests.scim.conftest import connector, endpoint, scim, ss_app  # noqa: F401  (the SCIM fixtures)

pytestmark = pytest.mark.django_db(transaction=True)


def signed_in(page, live_server):
    client = Client()
    sign_in_as(client, "admin", "administrator")
    page.context.add_cookies([{"name": "sessionid", "value": client.cookies["sessionid"].value,
                               "url": live_server.url}])


def no_serious_axe_findings(page):
    results = Axe().run(page)
    bad = [(v["id"], v["help"]) for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert bad == []


def test_messages_and_endpoint_page(page, live_server, scim, endpoint, screenshot):  # noqa: F811
    scim.get("/v2/Users?count=2&startIndex=1")
    scim.get("/v2/Users/999999")
    signed_in(page, live_server)
    page.goto(live_server.url + "/messages/")
    section = page.locator("#messages-feed")
    expect(section).to_contain_text("SCIM requests")
    failure = page.locator("tr.table__row--failure", has_text="/v2/Users/999999")
    expect(failure).to_be_visible()
    expect(failure).to_contain_text("404")
    expect(section).to_contain_text("Okta production")
    no_serious_axe_findings(page)
    screenshot(page, "scim-messages", full_page=True)

    page.goto(f"{live_server.url}/settings/endpoints/{endpoint.endpoint.ss_secret_id}/")
    base = page.locator("#scim-base-url")
    expect(base).to_have_text(live_server.url + "/v2")
    page.get_by_role("button", name="Copy base URL").click()
    assert page.evaluate("navigator.clipboard.readText()") == live_server.url + "/v2"
    no_serious_axe_findings(page)
    screenshot(page, "scim-endpoint-base-url")
    assert page.console_errors == []
