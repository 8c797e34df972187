"""Token grant, revoke, expiry, health and version (docs §1, §2)."""
import requests

from .conftest import PASSWORDS, token_for


def grant(emulator, user, password, **extra):
    return requests.post(f"{emulator.url}/oauth2/token", timeout=5,
                         data={"grant_type": "password", "username": user, "password": password, **extra})


def test_password_grant_returns_the_documented_token_keys(emulator):
    body = token_for(emulator.url, "alice")
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token"}
    assert body["token_type"] == "bearer" and body["expires_in"] == 1199


def test_local_domain_is_accepted_and_other_domains_fail(emulator):
    assert grant(emulator, "alice", PASSWORDS["alice"], domain="local").status_code == 200
    assert grant(emulator, "alice", PASSWORDS["alice"], domain="CORP").json() == {"error": "Login failed."}


def test_bad_password_and_unknown_user_fail_with_login_failed(emulator):
    for user, password in (("alice", "wrong"), ("nobody", "x"), ("alice", "")):
        response = grant(emulator, user, password)
        assert (response.status_code, response.json()) == (400, {"error": "Login failed."})


def test_expired_password_is_distinguishable_only_with_the_right_password(emulator):
    response = grant(emulator, "dave", PASSWORDS["dave"])
    assert (response.status_code, response.json()) == (400, {"error": "Login failed. Your password has expired."})
    assert grant(emulator, "dave", "wrong").json() == {"error": "Login failed."}


def test_locked_and_disabled_users_look_like_a_failed_login(emulator):
    for user in ("erin", "frank"):
        response = grant(emulator, user, PASSWORDS[user])
        assert (response.status_code, response.json()) == (400, {"error": "Login failed."})


def test_requests_log_names_the_user_but_never_the_password_or_token(emulator):
    token = token_for(emulator.url, "alice")["access_token"]
    requests.get(f"{emulator.url}/api/v1/users/current", headers={"Authorization": f"Bearer {token}"}, timeout=5)
    records = emulator.requests
    assert [(r.method, r.path, r.status, r.user) for r in records] == [
        ("POST", "/oauth2/token", 200, "alice"), ("GET", "/api/v1/users/current", 200, "alice")]
    assert records[1]["user"] == "alice"
    assert PASSWORDS["alice"] not in repr(records) and token not in repr(records)
    emulator.clear_requests()
    assert emulator.requests == []


def test_missing_or_garbage_bearer_token_is_403_authentication_failed(emulator):
    for headers in ({}, {"Authorization": "Bearer nope"}, {"Authorization": "Basic abc"}):
        response = requests.get(f"{emulator.url}/api/v1/users/current", headers=headers, timeout=5)
        assert (response.status_code, response.json()) == (403, {"message": "Authentication failed."})


def test_access_token_expires_on_the_emulator_clock(emulator, as_user):
    alice = as_user("alice")
    emulator.advance_clock(1198)
    assert alice.get("/api/v1/users/current").status_code == 200
    emulator.advance_clock(2)
    response = alice.get("/api/v1/users/current")
    assert (response.status_code, response.json()) == (403, {"message": "Authentication failed."})


def test_refresh_grant_returns_new_tokens_and_is_single_use(emulator):
    first = token_for(emulator.url, "alice")
    data = {"grant_type": "refresh_token", "refresh_token": first["refresh_token"]}
    second = requests.post(f"{emulator.url}/oauth2/token", data=data, timeout=5)
    assert second.status_code == 200
    assert second.json()["access_token"] != first["access_token"]
    again = requests.post(f"{emulator.url}/oauth2/token", data=data, timeout=5)
    assert (again.status_code, again.json()) == (400, {"error": "Login failed."})


def test_refreshes_stop_after_the_maximum(emulator):
    token = token_for(emulator.url, "alice")
    for _ in range(3):
        token = requests.post(f"{emulator.url}/oauth2/token", timeout=5, data={
            "grant_type": "refresh_token", "refresh_token": token["refresh_token"]}).json()
    over = requests.post(f"{emulator.url}/oauth2/token", timeout=5, data={
        "grant_type": "refresh_token", "refresh_token": token["refresh_token"]})
    assert over.status_code == 400 and "error" in over.json()


def test_oauth_expiration_revokes_the_calling_token(as_user):
    alice = as_user("alice")
    response = alice.post("/api/v1/oauth-expiration")
    assert (response.status_code, response.json()) == (200, True)
    assert alice.get("/api/v1/users/current").status_code == 403


def test_control_revokes_one_users_tokens_or_everyones(emulator, as_user):
    alice, bob = as_user("alice"), as_user("bob")
    revoked = requests.post(f"{emulator.url}/_emulator/tokens/revoke", json={"userName": "alice"}, timeout=5)
    assert revoked.json()["revoked"] == 2  # access + refresh
    assert alice.get("/api/v1/users/current").status_code == 403
    assert bob.get("/api/v1/users/current").status_code == 200
    emulator.revoke_tokens()
    assert bob.get("/api/v1/users/current").status_code == 403


def test_locking_a_user_invalidates_their_live_token(emulator, as_user):
    bob = as_user("bob")
    emulator.lock_user("bob")
    assert bob.get("/api/v1/users/current").status_code == 403


def test_expire_password_control_changes_the_login_outcome(emulator):
    requests.post(f"{emulator.url}/_emulator/users/alice/expire-password", timeout=5)
    assert grant(emulator, "alice", PASSWORDS["alice"]).json()["error"] == "Login failed. Your password has expired."


def test_healthcheck_is_anonymous_with_both_spellings(emulator):
    body = requests.get(f"{emulator.url}/api/v1/healthcheck", timeout=5).json()
    assert body["Healthy"] is True and body["healthy"] is True and body["databaseHealthy"] is True
    assert len(body["now"]) == 23 and "Z" not in body["now"]


def test_version_is_wrapped_in_model(emulator):
    body = requests.get(f"{emulator.url}/api/v1/version", timeout=5).json()
    assert body["success"] is True and body["model"] == {"version": "11.7.000061"}


def test_a_third_party_sdk_flow_works_unchanged(emulator, scim):
    """python-tss-sdk's path: anonymous health probe, password grant, get_secret indexing fileAttachmentId."""
    base = emulator.url
    health = requests.get(f"{base}/api/v1/healthcheck", timeout=5)
    assert health.json().get("Healthy", False)
    grant_body = requests.post(f"{base}/oauth2/token", timeout=5, data={
        "username": "admin", "password": PASSWORDS["admin"], "grant_type": "password"}).json()
    secret = requests.get(f"{base}/api/v1/secrets/{scim['secret_id']}", timeout=5,
                          headers={"Authorization": "Bearer " + grant_body["access_token"]}).json()
    attachments = [item["fileAttachmentId"] for item in secret["items"]]
    assert attachments == [None, None, None, None]
    assert {i["slug"]: i["itemValue"] for i in secret["items"]}["username"] == "scim-app"
