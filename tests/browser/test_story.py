"""The whole story, end to end, in a real browser (Debian's chromium through Playwright).

One test function on purpose: the live server's database is flushed between tests, and every step builds
on the one before (setup -> endpoint -> request -> approval -> temporary access -> its end -> audit).
Each step is a named helper; each ends with no console errors, an axe check of every page it visited
and a screenshot for the README (1280x800; written to docs/screenshots/ with SAVE_SCREENSHOTS=1).
"""
import csv
import io
import re
from urllib.parse import urlparse

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from playwright.sync_api import expect

from tests.conftest import DEMO_PASSWORDS

pytestmark = pytest.mark.django_db(transaction=True)

VIEWPORT = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
JUSTIFICATION = "Alice rotates the Okta endpoint this week (change CHG-1042)."
_axe = Axe()


class Story:
    """What the steps share: the page, the servers, and the axe results gathered along the way."""

    def __init__(self, page, live_server, ss, screenshot):
        self.page, self.ss, self._screenshot = page, ss, screenshot
        self.base = live_server.url
        self.audited: dict[str, int] = {}
        self.token = ""

    def url(self, path: str) -> str:
        return self.base + path

    def path(self) -> str:
        return urlparse(self.page.url).path

    def axe(self, name: str) -> None:
        """No serious or critical violation on the page as it is now."""
        results = _axe.run(self.page)
        bad = [(v["id"], v["impact"], v["help"], [n["target"] for n in v["nodes"]][:3])
               for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
        assert bad == [], f"axe on {name} ({self.page.url}): {bad}"
        self.audited[name] = results.violations_count

    def shot(self, name: str, full_page: bool = False) -> None:
        self._screenshot(self.page, name, full_page=full_page)

    def step_done(self) -> None:
        assert self.page.console_errors == [], self.page.console_errors

    def sign_in(self, username: str, password: str | None = None) -> None:
        page = self.page
        if self.path() != "/accounts/login/":
            page.goto(self.url("/accounts/login/"))
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password or DEMO_PASSWORDS[username])
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.wait_for_load_state()

    def sign_out(self) -> None:
        page = self.page
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_text("You are signed out.")).to_be_visible()

    def open_settings(self, name: str) -> None:
        """Through the menu, as a person would: Settings -> name."""
        page = self.page
        page.locator(".nav-sub > summary", has_text="Settings").click()
        page.get_by_role("navigation", name="Main").get_by_role("link", name=name, exact=True).click()
        page.wait_for_load_state()


# --- the steps -------------------------------------------------------------------------------------------

def step_1_setup(s: Story) -> None:
    page, host = s.page, django_settings.CONNECTOR_HOSTNAME
    page.goto(s.url("/"))
    assert s.path() == "/settings/secret-server/", "a fresh connector leads to setup"
    s.axe("setup")
    page.locator("#id_url").fill(s.ss.url)
    page.locator("#id_admin_username").fill("admin")
    page.locator("#id_admin_password").fill(DEMO_PASSWORDS["admin"])
    page.locator("#id_app_username").fill("scim-app")
    page.locator("#id_app_password").fill(DEMO_PASSWORDS["scim-app"])
    s.shot("01-setup")
    page.get_by_role("button", name="Save and test connection").click()
    page.wait_for_load_state()
    expect(page.get_by_text(re.compile("^Connection Successful"))).to_be_visible()
    # Setup is done: from now on the settings pages want a signed-in administrator.
    assert s.path() == "/accounts/login/"
    s.axe("login")
    s.sign_in("admin")
    assert s.path() == "/settings/secret-server/", "back to where setup left off"
    card = page.locator("main")
    expect(card).to_contain_text(re.compile(rf"SCIM folder\s*SCIM {host} #\d+\s*Present"))
    expect(card).to_contain_text(re.compile(rf"SCIMSecret\s*SCIMSecret {host} #\d+\s*Present"))
    folder = s.ss.state.folder_by_name(f"SCIM {host}")
    secret = s.ss.state.secret_by_name(f"SCIMSecret {host}")
    assert folder is not None and secret is not None
    assert secret["folderId"] == folder["id"]
    s.axe("settings: Secret Server")
    s.shot("02-secret-server")
    s.step_done()


def step_2_endpoint_and_configuration(s: Story) -> None:
    from connector.services.endpoint_tokens import endpoint_token_verify

    page = s.page
    page.goto(s.url("/"))
    expect(page.locator(".account__role")).to_have_text(re.compile(r"Administrator$"))
    expect(page.locator(".site-footer")).to_contain_text("version")
    s.axe("home")
    s.open_settings("SCIM Connector Endpoints")
    s.axe("settings: endpoints (empty)")
    page.get_by_role("link", name="Add endpoint").first.click()
    page.locator("#id_name").fill("okta-production")
    page.locator("#id_url").fill("https://idp.example.com/scim/v2")
    page.locator("#id_username").fill("okta-scim")
    page.locator("#id_password").fill("Okta-Endp0int!")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_load_state()
    token_box = page.locator("#endpoint-token")
    expect(token_box).to_be_visible()
    page.get_by_role("button", name="Copy token").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    s.token = page.evaluate("navigator.clipboard.readText()")
    assert s.token == token_box.inner_text().strip() and len(s.token) > 20
    mirror = endpoint_token_verify(s.token)
    assert mirror is not None and mirror.name == "okta-production"
    s.axe("endpoint form with token")
    s.shot("03-endpoint-token")
    page.get_by_role("link", name="Done").click()
    page.wait_for_load_state()
    expect(page.get_by_role("cell", name="okta-production", exact=True)).to_be_visible()
    s.axe("settings: endpoints")
    s.shot("04-endpoints")

    s.open_settings("Configuration Settings")
    s.axe("settings: configuration")
    field = page.locator("#id_bulk_max_operations")
    field.fill("0")
    page.get_by_role("button", name=re.compile("^Save")).click()
    page.wait_for_load_state()
    field = page.locator("#id_bulk_max_operations")
    expect(field).to_have_attribute("aria-invalid", "true")
    described = field.get_attribute("aria-describedby") or ""
    errors = " ".join(page.locator(f"#{i}").inner_text() for i in described.split())
    assert re.search(r"1\b.*1000|between|at least|greater", errors), errors
    s.axe("settings: configuration with an error")
    s.shot("05-configuration")
    field.fill("500")
    page.get_by_role("button", name=re.compile("^Save")).click()
    expect(page.get_by_text(re.compile(r"Configuration saved"))).to_be_visible()
    expect(page.locator("#id_bulk_max_operations")).to_have_value("500")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Messages").click()
    feed = page.locator("#messages-feed")
    expect(feed).to_contain_text("settings.update")
    expect(feed).to_contain_text("endpoint.create")
    expect(page.get_by_role("button", name="Pause live updates")).to_be_visible()
    s.axe("messages")
    s.shot("06-messages")
    page.get_by_role("navigation", name="Main").get_by_role("link", name="About").click()
    s.axe("about")
    s.sign_out()
    s.step_done()


def step_3_request_and_approval(s: Story) -> None:
    page = s.page
    s.sign_in("alice")
    expect(page.get_by_text("Request sent and approval pending.")).to_be_visible()
    assert s.path() == "/accounts/login/"
    s.axe("login: request pending")
    s.shot("07-request-pending")

    page.goto(s.ss.url + "/")
    page.get_by_label("User name").fill("admin")
    page.get_by_label("Password").fill(DEMO_PASSWORDS["admin"])
    page.get_by_role("button", name="Sign in").click()
    row = page.locator("table[aria-labelledby=pending]").get_by_role("row", name=re.compile(r"^alice"))
    expect(row).to_have_count(1)
    row.get_by_label("Justification (required)").fill(JUSTIFICATION)
    s.shot("08-approve")
    row.get_by_role("button", name="Approve").click()
    expect(page.get_by_text(re.compile(r"Request \d+ approved until"))).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    s.step_done()


def step_4_temporary_administrator(s: Story) -> None:
    page = s.page
    page.goto(s.url("/accounts/login/"))
    s.sign_in("alice")
    expect(page.locator(".account__role")).to_have_text(re.compile(r"Administrator \(temporary\)$"))
    window = page.locator(".account__window")
    expect(window).to_contain_text("Access until")
    assert re.match(r"\d{4}-\d\d-\d\dT", window.locator("time").get_attribute("datetime"))
    s.open_settings("Configuration Settings")
    field = page.locator("#id_bulk_max_operations")
    field.fill("400")
    page.get_by_role("button", name=re.compile("^Save")).click()
    expect(page.get_by_text(re.compile(r"Configuration saved"))).to_be_visible()
    s.shot("09-temporary-admin")

    s.ss.advance_clock(3 * 24 * 3600)  # Secret Server's clock moves past the 2-day window
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Home").click()
    page.wait_for_load_state()
    assert s.path() == "/accounts/login/", "the first click after the window signs alice out"
    expect(page.get_by_text(re.compile(r"Your access to SCIM Connector ended at .*approved request expired"))
           ).to_be_visible()
    s.axe("login: access ended")
    s.shot("10-access-ended")
    s.step_done()


def step_5_expired_password(s: Story) -> None:
    page = s.page
    s.sign_in("dave")
    expect(page.get_by_text("Secret Server password has expired. Please login to Secret Server to reset your "
                            "password.")).to_be_visible()
    expect(page.locator("#id_username")).to_have_value("dave")
    s.axe("login: password expired")
    s.shot("11-password-expired")
    s.step_done()


def step_6_auditor(s: Story) -> None:
    page = s.page
    page.goto(s.url("/accounts/login/"))
    s.sign_in("carol")
    expect(page.locator(".account__role")).to_have_text(re.compile(r"Auditor$"))
    assert s.path().startswith("/history/"), "auditors land on the request history"
    table = page.locator("table").first
    expect(table).to_contain_text("alice")
    s.axe("history")

    page.locator("#id_requester").fill("alice")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()
    assert "requester=alice" in page.url
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    s.shot("12-history")
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Export CSV").click()
    exported = list(csv.reader(io.StringIO(download_info.value.path().read_text(encoding="utf-8-sig"))))
    header, body = exported[0], exported[1:]
    assert len(body) == 1, exported
    text = " ".join(body[0])
    assert "alice" in text and JUSTIFICATION in text, exported
    assert any("justification" in h.lower() or "comment" in h.lower() for h in header), header

    rows.first.get_by_role("link").first.click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text(JUSTIFICATION)
    expect(page.locator("main")).to_contain_text(re.compile("Approved", re.I))
    s.axe("request detail")
    s.shot("13-request-detail")

    page.goto(s.url("/history/dashboard/"))
    s.axe("dashboard")
    chart, card = page.locator("svg.chart"), page.locator("section.card:has(svg.chart)")
    assert chart.bounding_box()["width"] >= 0.9 * card.bounding_box()["width"]  # fills its card
    expect(chart.locator("text.bar-total")).not_to_have_count(0)  # each day with requests shows its total
    chart.scroll_into_view_if_needed()
    s.shot("15-dashboard")

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Audit").click()
    page.wait_for_load_state()
    main = page.locator("main")
    expect(main).to_contain_text("auth.signin")
    s.axe("audit")
    for action in ("setup.configure", "endpoint.create", "settings.update", "auth.session_end"):
        page.locator("#id_action").fill(action)
        page.get_by_role("button", name="Apply").click()
        page.wait_for_load_state()
        expect(page.locator("table tbody tr").first).to_contain_text(action)
    page.locator("#id_action").fill("settings.update")
    page.locator("#id_actor").fill("alice")
    page.locator("#id_outcome").select_option("success")
    page.get_by_role("button", name="Apply").click()
    expect(page.locator("table tbody tr")).to_have_count(1)
    expect(page.locator("table tbody tr")).to_contain_text("alice")
    page.locator("table tbody tr").first.get_by_role("link").first.click()
    page.wait_for_load_state()
    changes = page.locator("table.table--compact tbody tr")  # one "Changed" line per setting, old and new
    expect(changes.filter(has_text="Changed")).not_to_have_count(0)
    expect(changes.filter(has_text="Added")).to_have_count(0)
    page.go_back()
    page.wait_for_load_state()
    page.locator("#id_action").fill("")
    page.locator("#id_actor").fill("")
    page.locator("#id_outcome").select_option("")
    page.get_by_role("button", name="Apply").click()
    page.wait_for_load_state()
    s.shot("14-audit")

    # An auditor opening an administrator page gets the friendly 403 with the product's words.
    page.goto(s.url("/settings/configuration/"))
    expect(page.get_by_text("Login does not have permission to access SCIM Connector. Contact SCIM Connector "
                            "owner for access.")).to_be_visible()
    s.axe("403")
    page.goto(s.url("/no-such-page/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("couldn")
    s.axe("404")
    # The browser logs the two error statuses themselves; nothing else may be there.
    assert [re.sub(r".*status of (\d+).*", r"\1", e) for e in page.console_errors] == ["403", "404"]
    page.console_errors.clear()
    s.step_done()


def step_7_phone(s: Story) -> None:
    """Two pages at phone size: nothing wider than the screen."""
    page = s.page
    page.set_viewport_size(PHONE)
    for path in ("/history/", "/audit/"):
        page.goto(s.url(path))
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{path} overflows a phone screen by {overflow}px"
    s.axe("audit (phone)")
    page.set_viewport_size(VIEWPORT)
    s.step_done()


def test_the_whole_story(page, live_server, ss, screenshot, settings):
    settings.CONNECTOR_ACCESS_RECHECK_SECONDS = 0  # re-check access with Secret Server on every click
    page.set_viewport_size(VIEWPORT)
    page.set_default_timeout(10_000)
    s = Story(page, live_server, ss, screenshot)
    step_1_setup(s)
    step_2_endpoint_and_configuration(s)
    step_3_request_and_approval(s)
    step_4_temporary_administrator(s)
    step_5_expired_password(s)
    step_6_auditor(s)
    step_7_phone(s)
    assert len(s.audited) >= 15, sorted(s.audited)
    print("axe (minor/moderate findings per page):", s.audited)
