"""Who may change where passwords go: setup targets only URLs the operator allowed, and moving an installed
connector to another Secret Server needs an administrator of the one configured now (issue 9)."""
import pytest

from connector.messages import MSG_REPROVE_ON_CURRENT, MSG_URL_NOT_ALLOWED
from connector.models import AuditEvent, ConnectorBootstrap
from secretserver_emulator import EmulatorServer
from tests.conftest import DEMO_PASSWORDS

from .conftest import configure_connector, setup_values

pytestmark = pytest.mark.django_db
SETUP_URL = "/settings/secret-server/"


def _post(client, ss, **overrides):
    return client.post(SETUP_URL, setup_values(ss, **overrides))


def _configure_rows():
    return list(AuditEvent.objects.filter(action="setup.configure").exclude(outcome="intent").order_by("seq"))


@pytest.fixture
def other_ss(settings):
    """A second Secret Server (emulator) the operator allowed as well."""
    with EmulatorServer(seed="demo") as server:
        settings.SECRET_SERVER_ALLOWED_URLS = [server.url + "/"]
        yield server


@pytest.mark.parametrize("target", ["http://127.0.0.1:9", "http://10.255.255.1:8080/SecretServer",
                                    "{ss}/elsewhere", "http://localhost:{port}"])
def test_before_setup_a_url_not_allowed_gets_one_fixed_answer_and_no_network_call(client, ss, target):
    ss.clear_requests()
    response = _post(client, ss, url=target.format(ss=ss.url, port=ss.port))
    assert response.status_code == 200
    assert response.context["form"].errors["url"] == [MSG_URL_NOT_ALLOWED]
    assert ss.requests == []  # not even the health check reached a server
    assert not ConnectorBootstrap.objects.exists()
    assert [row.outcome for row in _configure_rows()] == ["failure"]


def test_the_operators_url_is_allowed_whatever_its_spelling(client, ss):
    response = _post(client, ss, url=ss.url.upper().replace("HTTP://", "http://") + "/")
    assert response.status_code == 302
    assert ConnectorBootstrap.objects.get().is_complete


def test_an_url_from_the_allowed_list_can_be_set_up(client, ss, settings):
    settings.SECRET_SERVER_URL = "https://secretserver.example.com/SecretServer"
    settings.SECRET_SERVER_ALLOWED_URLS = [ss.url]
    assert _post(client, ss).status_code == 302
    assert ConnectorBootstrap.objects.get().secret_server_url == ss.url


def test_after_setup_a_url_not_allowed_is_refused_without_a_call(admin_client, ss, configured):
    ss.clear_requests()
    response = _post(admin_client, ss, url="http://127.0.0.1:9")
    assert response.context["form"].errors["url"] == [MSG_URL_NOT_ALLOWED]
    # only the page's own status read, as the application account: no health check, no administrator grant
    assert {r.user for r in ss.requests} == {"scim-app"}
    assert not any("healthcheck" in r.path for r in ss.requests)
    assert ConnectorBootstrap.objects.get().secret_server_url == ss.url


def test_moving_needs_an_administrator_of_the_current_secret_server(admin_client, ss, configured, other_ss):
    """An administrator of the *new* server only (here: locked out on the current one) cannot move it."""
    ss.lock_user("admin")
    other_ss.clear_requests()
    response = _post(admin_client, ss, url=other_ss.url)
    assert response.context["form"].errors["admin_username"] == [MSG_REPROVE_ON_CURRENT]
    assert ConnectorBootstrap.objects.get().secret_server_url == ss.url
    assert other_ss.requests == []  # refused before the new server was contacted
    assert _configure_rows()[-1].outcome == "failure"


def test_moving_as_a_non_administrator_of_the_current_server_is_refused(admin_client, ss, configured, other_ss):
    response = _post(admin_client, ss, url=other_ss.url, admin_username="alice",
                     admin_password=DEMO_PASSWORDS["alice"])
    assert response.context["form"].errors["admin_username"] == [MSG_REPROVE_ON_CURRENT]
    assert ConnectorBootstrap.objects.get().secret_server_url == ss.url


def test_moving_with_the_current_servers_administrator_is_audited_with_both_urls(admin_client, ss, configured,
                                                                                 other_ss):
    response = _post(admin_client, ss, url=other_ss.url)
    assert response.status_code == 302, response.content.decode()[:1500]
    assert ConnectorBootstrap.objects.get().secret_server_url == other_ss.url
    row = _configure_rows()[-1]
    assert row.outcome == "success"
    assert row.after["url"] == other_ss.url and row.after["previous_url"] == ss.url
    assert row.before["previous_url"] == ss.url
    assert ss.url in row.message and other_ss.url in row.message


def test_the_command_is_the_operators_way_and_still_honours_the_allowed_list(ss, configured, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    passwords = tmp_path / "passwords"
    passwords.write_text(f"{DEMO_PASSWORDS['admin']}\n{DEMO_PASSWORDS['scim-app']}\n")
    ss.clear_requests()
    with pytest.raises(CommandError, match="not allowed"):
        call_command("configure_secretserver", "--url", "http://127.0.0.1:9", "--admin-username", "admin",
                     "--app-username", "scim-app", "--password-file", str(passwords))
    assert ss.requests == []
