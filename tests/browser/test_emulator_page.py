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


def test_an_administrator_shares_a_secret_from_the_emulator_page(page, ss, screenshot):
    """The demo can show that a View share still needs an approved request and an Owner share does not."""
    from connector.secretserver import SecretServerClient
    app = SecretServerClient.for_application_account(ss.url, "scim-app", "App-Passw0rd!")
    folder = app.create_folder("SCIM demo")
    secret = app.create_secret(app.secret_stub(9, folder.id), name="SCIMSecret demo", folder_id=folder.id,
                               fields={"url": ss.url, "username": "scim-app", "password": "x", "notes": "{}"})
    admin_id = ss.state.user_by_name("admin")["id"]
    app.create_secret_permission(secret.id, "Owner", user_id=admin_id)
    page.goto(ss.url + "/")
    page.get_by_label("User name").fill("admin")
    page.get_by_label("Password").fill("Admin-Passw0rd!")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "still needs an approved request after a View or Edit share" in page.content()
    page.get_by_label("Secret", exact=True).select_option(label="SCIMSecret demo")
    page.get_by_label("User", exact=True).select_option(label="bob")
    page.get_by_label("Permission").select_option("Edit")
    page.get_by_role("button", name="Share").click()
    page.wait_for_load_state()
    assert page.get_by_role("status").inner_text() == "SCIMSecret demo shared with bob (Edit)."
    bob_group = ss.state.user_by_name("bob")["personalGroupId"]
    assert [p["secretAccessRoleName"] for p in ss.state.secretPermissions.values()
            if p["secretId"] == secret.id and p["groupId"] == bob_group] == ["Edit"]
    screenshot(page, "emulator-share")
    assert page.console_errors == []
