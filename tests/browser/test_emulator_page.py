"""The emulator's own page, in a real browser: a person can play Secret Server's side of the story."""
import re


def test_the_emulator_page_lists_the_seeded_users_and_lets_the_admin_sign_in(page, ss, screenshot):
    page.goto(ss.url + "/")
    users = page.locator("table").last
    for name in ("admin", "alice", "carol", "dave", "erin", "frank"):
        assert users.get_by_role("cell", name=name, exact=True).count() == 1
    assert users.get_by_role("row", name=re.compile(r"dave .* password expired")).count() == 1
    page.get_by_label("User name").fill("admin")
    page.get_by_label("Password").fill("Admin-Passw0rd!")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "admin" in page.content()
    assert page.console_errors == []
