"""The client against the emulator over real HTTP: the contract's minimal subset end to end."""
from datetime import timedelta

import pytest

from connector.secretserver import (
    AccessDenied,
    ApprovalRequired,
    AuthenticationFailed,
    LoginFailed,
    PasswordExpired,
    Unavailable,
    UnexpectedResponse,
    ValidationFailed,
)

ADMIN = ("admin", "Admin-Passw0rd!")


def calls(ss, prefix=""):
    return [r for r in ss.requests if r.path.lower().startswith(prefix)]


def test_health_version_and_app_account(ss, app_client):
    assert app_client.healthcheck().healthy
    assert app_client.version().count(".") >= 1
    me = app_client.current_user()
    assert me.user_name == "scim-app" and me.has_permission("Create Root Folders")
    user = app_client.get_user(me.id)
    assert user.is_application_account and user.enabled


def test_login_failures(ss, app_client):
    with pytest.raises(PasswordExpired) as ei:
        app_client.password_grant("dave", "Dave-Passw0rd!")
    assert "expired" in ei.value.product_message.lower()
    for user, pw in (("alice", "wrong"), ("erin", "Erin-Passw0rd!"), ("frank", "Frank-Passw0rd!")):
        with pytest.raises(LoginFailed) as ei:
            app_client.password_grant(user, pw)
        assert not isinstance(ei.value, PasswordExpired)


def test_users_groups_and_paging(ss, app_client):
    users = app_client.search_users(include_inactive=True)
    names = {u.user_name for u in users}
    assert {"admin", "alice", "carol", "frank"} <= names
    carol = next(u for u in users if u.user_name == "carol")
    groups = {m.group_name for m in app_client.user_groups(carol.id)}
    assert "SCIM Auditors" in groups and "Everyone" in groups
    auditors = next(g for g in app_client.search_groups("SCIM Auditors") if g.name == "SCIM Auditors")
    assert [m.user_name for m in app_client.group_users(auditors.id)] == ["carol"]
    # a small page size forces several round trips; every record still arrives exactly once
    ss.clear_requests()
    paged = tuple(app_client._pages("/users", {"filter.includeInactive": True}, page_size=2))
    assert len(paged) == len(users) and len(calls(ss, "/api/v1/users")) == -(-len(users) // 2)


def build_scim_secret(admin):
    folder = admin.create_folder("SCIM testhost")
    assert next(f for f in admin.search_folders("SCIM testhost") if f.folder_name == "SCIM testhost").id == folder.id
    stub = admin.secret_stub(9, folder.id)
    secret = admin.create_secret(stub, name="SCIMSecret testhost",
                                 fields={"url": "https://ss", "username": "scim-app", "password": "S3cret!"})
    everyone = next(g for g in admin.search_groups("Everyone") if g.name == "Everyone")
    admin.create_secret_permission(secret.id, "View", group_id=everyone.id)
    me = admin.current_user()
    approval = admin.set_security_approval(secret.id, "RequireEditorsApproval", [admin.get_user(me.id).personal_group_id])
    assert approval.require_approval_type == "RequireEditorsApproval"
    return folder, secret


def test_folder_secret_lifecycle(ss, as_person):
    admin = as_person(*ADMIN)
    folder, secret = build_scim_secret(admin)
    got = admin.get_secret(secret.id)
    assert got.field("password") == "S3cret!" and got.secret_template_id == 9
    assert "S3cret!" not in repr(got)
    assert admin.get_secret_field(secret.id, "password") == "S3cret!"
    admin.update_secret_field(secret.id, "password", "N3w!")
    updated = admin.update_secret(admin.get_secret(secret.id).with_values(notes="hello"))
    assert updated.field("password") == "N3w!" and updated.field("notes") == "hello"
    assert [s.id for s in admin.search_secrets(folder_id=folder.id)] == [secret.id]
    template = admin.get_secret_template(9)
    assert template.field_by_slug("password").is_password
    assert any(t.id == 9 for t in admin.search_secret_templates())
    assert any(p.secret_access_role_name == "View" for p in admin.secret_permissions(secret_id=secret.id))
    assert admin.access_request_options(secret.id).enable_requires_approval_for_access
    assert admin.delete_secret(secret.id) is not None
    assert not admin.get_secret(secret.id, include_inactive=True).active


def test_access_request_workflow_and_expiry(ss, as_person):
    admin = as_person(*ADMIN)
    _, secret = build_scim_secret(admin)
    alice = as_person("alice", "Alice-Passw0rd!")
    assert alice.secret_state(secret.id).requires_approval
    with pytest.raises(ApprovalRequired):
        alice.get_secret(secret.id)
    now = ss.now()
    req = alice.create_access_request(secret.id, "please", now, now + timedelta(days=2))
    assert req.is_pending and req.request_username == "alice"
    pending = admin.search_access_requests(status="Pending")
    assert [r.id for r in pending] == [req.id]
    with pytest.raises(ValidationFailed) as ei:
        admin.update_access_request(req.id, "Approved", "ok", start=now)
    assert any("expiration" in k.lower() for k in ei.value.field_errors)
    done = admin.update_access_request(req.id, "Approved", "ok", start=now, expiration=now + timedelta(days=2))
    assert done.status == "Approved"
    assert alice.secret_state(secret.id).accessible
    assert alice.get_secret(secret.id).field("username") == "scim-app"
    mine = alice.access_requests_for_secret(secret.id)
    assert mine[0].approver_display_name and mine[0].expiration_date.tzinfo is not None
    ss.advance_clock(3 * 24 * 3600)
    with pytest.raises(AuthenticationFailed):  # a person's token is never renewed behind their back
        alice.current_user()
    alice = as_person("alice", "Alice-Passw0rd!")
    assert [r.status for r in alice.access_requests_for_secret(secret.id) if r.id == req.id] == ["Expired"]
    assert alice.secret_state(secret.id).requires_approval


def test_no_permission_is_access_denied(ss, as_person):
    admin = as_person(*ADMIN)
    folder = admin.create_folder("private")
    secret = admin.create_secret(admin.secret_stub(9, folder.id), name="p", fields={"password": "x"})
    bob = as_person("bob", "Bob-Passw0rd!")
    with pytest.raises(AccessDenied) as ei:
        bob.get_secret(secret.id)
    assert not isinstance(ei.value, ApprovalRequired)


def test_revoked_app_token_is_regranted_once(ss, app_client):
    app_client.current_user()
    assert len(calls(ss, "/oauth2/token")) == 1
    ss.revoke_tokens("scim-app")
    assert app_client.current_user().user_name == "scim-app"
    assert len(calls(ss, "/oauth2/token")) == 2
    assert [r.status for r in calls(ss, "/api/v1/users/current")] == [200, 403, 200]


def test_revoked_person_token_is_authentication_failed(ss, as_person):
    alice = as_person("alice", "Alice-Passw0rd!")
    assert alice.revoke_token() is True
    with pytest.raises(AuthenticationFailed):
        alice.current_user()


@pytest.mark.parametrize("kind,error", [("html", UnexpectedResponse), ("malformed", UnexpectedResponse),
                                        ("truncate", UnexpectedResponse), ("drop", Unavailable)])
def test_injected_faults(ss, app_client, kind, error):
    app_client.current_user()
    ss.inject_fault(kind=kind, count=5, path_prefix="/api/v1/users/current")
    with pytest.raises(error):
        app_client.current_user()


def test_503_is_retried_for_gets_only(ss, app_client):
    app_client.current_user()
    ss.clear_requests()
    ss.inject_fault(kind="status", status=503, count=2, path_prefix="/api/v1/users/current")
    assert app_client.current_user().user_name == "scim-app"
    assert [r.status for r in calls(ss, "/api/v1/users/current")] == [503, 503, 200]
    ss.inject_fault(kind="status", status=503, count=3, path_prefix="/api/v1/folders")
    with pytest.raises(Unavailable):
        app_client.create_folder("x")
    assert len(calls(ss, "/api/v1/folders")) == 1


def test_latency_beyond_the_deadline(ss):
    from connector.secretserver import SecretServerClient

    client = SecretServerClient(ss.url, timeout=0.5, retries=0)
    ss.inject_fault(kind="latency", latency_ms=3000, count=1, path_prefix="/api/v1/healthcheck")
    import time

    t0 = time.monotonic()
    with pytest.raises(Unavailable):
        client.healthcheck()
    assert time.monotonic() - t0 < 1.2


def test_password_grant_not_retried_on_fault(ss, app_client):
    ss.inject_fault(kind="status", status=503, count=3, path_prefix="/oauth2/token")
    with pytest.raises(Unavailable):
        app_client.password_grant("alice", "Alice-Passw0rd!")
    assert len(calls(ss, "/oauth2/token")) == 1
