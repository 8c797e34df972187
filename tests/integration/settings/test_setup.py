"""First-time setup: the "Secret Server" view, against the emulator over real HTTP."""
import pytest
from django.urls import reverse

from connector.models import AuditEvent, ConnectorBootstrap, FolderMirror
from connector.services.setup import (
    APP_MISSING_PERMISSION,
    FOLDER_DELETED,
    INVALID_APP_ACCOUNT,
    LOGIN_AS_ADMINISTRATOR,
    SECRET_DELETED,
    UNAVAILABLE,
    URL_MUST_BE_HTTPS,
    setup_status,
)
from tests.conftest import DEMO_PASSWORDS

from .conftest import configure_connector, setup_values

pytestmark = pytest.mark.django_db
SETUP_URL = "/settings/secret-server/"
FOLDER, SECRET = "SCIM testhost", "SCIMSecret testhost"


def _outcomes(action):
    return list(AuditEvent.objects.filter(action=action).exclude(outcome="intent").order_by("seq").values_list("outcome", flat=True))


def _post_setup(client, ss, **overrides):
    data = setup_values(ss, **overrides)
    return client.post(SETUP_URL, {k: v for k, v in data.items() if v is not None})


def test_every_page_leads_to_setup_until_configured(client, ss):
    assert client.get("/").url == SETUP_URL
    assert client.get("/settings/configuration/").url == SETUP_URL
    api = client.get("/api/connector/settings/")
    assert api.status_code == 503 and api.json() == {"detail": "Secret Server Not Configured."}
    assert client.get(SETUP_URL).status_code == 200
    assert client.get("/api/schema/").status_code == 200


def test_it_sets_the_connector_up_from_the_form(client, ss):
    response = _post_setup(client, ss)
    assert response.status_code == 302, response.content.decode()[:2000]
    state = ss.state
    folder = state.folder_by_name(FOLDER)
    secret = state.secret_by_name(SECRET)
    assert folder and folder["parentFolderId"] == -1
    assert secret["folderId"] == folder["id"] and secret["secretTemplateId"] == 9
    items = state.secret_items(secret["id"])
    assert items["url"] == ss.url and items["username"] == "scim-app"
    assert items["password"] and items["password"] != DEMO_PASSWORDS["scim-app"]
    assert '"revision": 1' in items["notes"] and '"bulk_max_operations": 1000' in items["notes"]
    admin = state.user_by_name("admin")
    grants = {(p["groupId"], p["secretAccessRoleName"]) for p in state.secretPermissions.values()
              if p["secretId"] == secret["id"]}
    assert (admin["personalGroupId"], "Owner") in grants
    assert (state.everyone_group()["id"], "View") in grants
    assert secret["requireApprovalType"] == "RequireEditorsApproval"
    assert secret["approvers"] == [admin["personalGroupId"]] == [102]
    bootstrap = ConnectorBootstrap.objects.get()
    assert (bootstrap.folder_id, bootstrap.scim_secret_id) == (folder["id"], secret["id"])
    assert DEMO_PASSWORDS["scim-app"] not in bootstrap.app_password_encrypted
    assert FolderMirror.objects.get(ss_folder_id=folder["id"]).active
    assert _outcomes("setup.configure") == ["success"]
    for event in AuditEvent.objects.all():
        text = f"{event.before} {event.after} {event.message}"
        assert DEMO_PASSWORDS["admin"] not in text and DEMO_PASSWORDS["scim-app"] not in text


def test_rerunning_setup_reuses_the_folder_and_the_secret(ss):
    first = configure_connector(ss)
    second = configure_connector(ss)
    assert (first.folder_id, first.secret_id) == (second.folder_id, second.secret_id)
    assert not second.folder_created and not second.secret_created
    assert sum(f["folderName"] == FOLDER for f in ss.state.folders.values()) == 1
    assert sum(s["name"] == SECRET for s in ss.state.secrets.values()) == 1
    owner_rows = [p for p in ss.state.secretPermissions.values() if p["secretId"] == first.secret_id]
    assert len(owner_rows) == len({(p["groupId"]) for p in owner_rows})
    assert _outcomes("setup.configure") == ["success", "success"]


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"app_password": "wrong"}, "app_username", INVALID_APP_ACCOUNT),
    ({"app_username": "alice", "app_password": DEMO_PASSWORDS["alice"]}, "app_username", INVALID_APP_ACCOUNT),
    ({"app_username": "limited-app", "app_password": DEMO_PASSWORDS["limited-app"]}, "app_username",
     APP_MISSING_PERMISSION),
    ({"admin_username": "alice", "admin_password": DEMO_PASSWORDS["alice"]}, "admin_username",
     LOGIN_AS_ADMINISTRATOR),
    ({"admin_password": "wrong"}, "admin_username", "Incorrect username or password."),
])
def test_it_refuses_bad_accounts_next_to_the_field(client, ss, overrides, field, message):
    response = _post_setup(client, ss, **overrides)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert message in response.content.decode()
    assert not ConnectorBootstrap.objects.exists()
    assert ss.state.folder_by_name(FOLDER) is None
    assert _outcomes("setup.configure") == ["failure"]


def test_http_url_is_refused_unless_allowed(client, ss, settings):
    settings.SECRET_SERVER_ALLOW_HTTP = False
    response = _post_setup(client, ss)
    assert response.context["form"].errors["url"] == [URL_MUST_BE_HTTPS]
    assert not ConnectorBootstrap.objects.exists()


@pytest.mark.parametrize("fault", ["drop", "status"])
def test_secret_server_down_changes_nothing(client, ss, fault):
    ss.inject_fault(fault, count=20)
    response = _post_setup(client, ss)
    assert response.context["form"].non_field_errors() == [UNAVAILABLE]
    assert not ConnectorBootstrap.objects.exists() and not FolderMirror.objects.exists()
    assert _outcomes("setup.configure") == ["error"]


def test_a_dead_url_is_unavailable(client, ss):
    response = _post_setup(client, ss, url="http://127.0.0.1:9")
    assert response.context["form"].non_field_errors() == [UNAVAILABLE]


def test_once_configured_the_setup_page_is_for_administrators(client, ss, configured):
    assert client.get(SETUP_URL).status_code == 302  # to sign-in
    from connector.access import Role
    from tests.helpers import sign_in_as

    sign_in_as(client, "carol", Role.AUDITOR, ss_user_id=7)
    assert client.get(SETUP_URL).status_code == 403
    sign_in_as(client, "admin", Role.ADMINISTRATOR, ss_user_id=2)
    page = client.get(SETUP_URL)
    assert page.status_code == 200 and ss.url in page.content.decode()
    assert page.context["status"].problem == ""


def _delete_secret_in_secret_server(ss, secret_id):
    with ss.state.lock:
        ss.state.secrets[secret_id]["active"] = False


def test_a_deleted_secret_is_reported_and_recreated(admin_client, ss, configured):
    _delete_secret_in_secret_server(ss, configured.secret_id)
    page = admin_client.get(SETUP_URL)
    assert SECRET_DELETED in page.content.decode()
    assert page.context["status"].needs_recreate
    response = admin_client.post(reverse("connector:settings-secretserver-recreate"))
    assert response.status_code == 302
    new_secret = next(s for s in ss.state.secrets.values() if s["name"] == SECRET and s.get("active", True))
    assert new_secret["id"] != configured.secret_id and new_secret["folderId"] == configured.folder_id
    assert ConnectorBootstrap.objects.get().scim_secret_id == new_secret["id"]
    assert setup_status().problem == ""
    assert _outcomes("setup.recreate") == ["success"]


def test_a_deleted_folder_is_reported_and_recreated(admin_client, ss, configured):
    with ss.state.lock:
        del ss.state.folders[configured.folder_id]
        ss.state.secrets[configured.secret_id]["folderId"] = None
    page = admin_client.get(SETUP_URL)
    assert FOLDER_DELETED in page.content.decode()
    admin_client.post(reverse("connector:settings-secretserver-recreate"))
    folder = ss.state.folder_by_name(FOLDER)
    assert folder and folder["id"] != configured.folder_id
    # the surviving SCIMSecret is moved into the new folder, not duplicated
    assert ss.state.secrets[configured.secret_id]["folderId"] == folder["id"]
    assert sum(s["name"] == SECRET for s in ss.state.secrets.values()) == 1
    bootstrap = ConnectorBootstrap.objects.get()
    assert (bootstrap.folder_id, bootstrap.scim_secret_id) == (folder["id"], configured.secret_id)
    assert FolderMirror.objects.get(ss_folder_id=configured.folder_id).active is False
    assert setup_status().problem == ""


def test_home_and_about_show_status(admin_client, ss, configured):
    home = admin_client.get("/")
    body = home.content.decode()
    assert home.status_code == 200 and "11.7.000061" in body and "SCIM 2.0" in body and "SCIM protocol endpoints" in body
    about = admin_client.get("/about/")
    assert about.status_code == 200 and "/api/docs/" in about.content.decode()


def _as_person(ss, username):
    from connector.services.connection import anonymous_client, person_client
    with anonymous_client(ss.url) as anonymous:
        grant = anonymous.password_grant(username, DEMO_PASSWORDS[username])
    return person_client(grant.access_token, ss.url)


def test_the_administrator_sees_the_folder_and_the_endpoint_secrets_in_secret_server(ss):
    """Before, only the application account could see the SCIM folder and the endpoint secrets."""
    from connector.services.connection import WEB_PASSWORD_TEMPLATE_ID, app_client
    result = configure_connector(ss)
    app = app_client()
    stub = app.secret_stub(WEB_PASSWORD_TEMPLATE_ID, result.folder_id)
    endpoint = app.create_secret(stub, name="Okta", folder_id=result.folder_id,
                                 fields={"url": "https://idp.example.test/scim", "username": "u", "password": "p"})
    admin = _as_person(ss, "admin")
    try:
        assert admin.get_folder(result.folder_id).folder_name == FOLDER
        assert {s.name for s in admin.search_secrets(folder_id=result.folder_id)} >= {SECRET, "Okta"}
        assert admin.get_secret(endpoint.id).field("url") == "https://idp.example.test/scim"
    finally:
        admin.close()
    rows = [p for p in ss.state.folderPermissions.values() if p["folderId"] == result.folder_id]
    configure_connector(ss)  # idempotent: no second row
    assert [p for p in ss.state.folderPermissions.values() if p["folderId"] == result.folder_id] == rows
    admin_group = ss.state.user_by_name("admin")["personalGroupId"]
    assert [(p["folderAccessRoleName"], p["secretAccessRoleName"]) for p in rows
            if p["groupId"] == admin_group] == [("View", "View")]
    alice = _as_person(ss, "alice")  # nobody else gained anything
    try:
        from connector.secretserver import AccessDenied
        with pytest.raises(AccessDenied):
            alice.get_folder(result.folder_id)
    finally:
        alice.close()


def test_the_page_and_the_setup_result_name_the_folder_and_the_secret_and_say_share_as_owner(client, ss):
    from connector.services.setup import SHARE_AS_OWNER
    response = _post_setup(client, ss)
    assert response.status_code == 302
    from tests.helpers import sign_in_as
    sign_in_as(client, "admin")
    page = client.get(SETUP_URL).content.decode()
    assert SHARE_AS_OWNER in page  # the setup result, once
    assert f"{FOLDER} #" in page and f"{SECRET} #" in page
    assert SHARE_AS_OWNER not in client.get(SETUP_URL).content.decode()
