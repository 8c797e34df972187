"""The header and navigation a signed-in person sees: their name once, the API docs, no operator tips for
auditors."""
import pytest
from django.contrib.auth import get_user_model

from connector.access import Role
from tests.helpers import sign_in_as

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_setup_redirect(settings):
    settings.CONNECTOR_SETUP_REDIRECT = False


def _person(username, full_name):
    first, _, last = full_name.partition(" ")
    get_user_model().objects.create(username=username, first_name=first, last_name=last)


def _account(html):
    start = html.index('<p class="account__who')
    return html[start:html.index("</p>", start)]


def test_the_header_does_not_read_administrator_twice(client):
    _person("admin", "Administrator")  # Secret Server's built-in admin's display name
    sign_in_as(client, "admin", Role.ADMINISTRATOR)
    account = _account(client.get("/about/").content.decode())
    assert '<span class="account__name">admin</span>' in account and account.count("Administrator") == 1


def test_the_header_shows_a_persons_display_name(client):
    _person("alice", "Alice Archer")
    sign_in_as(client, "alice", Role.ADMINISTRATOR)
    assert '<span class="account__name">Alice Archer</span>' in _account(client.get("/about/").content.decode())


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.AUDITOR])
def test_the_api_docs_are_linked_from_the_navigation(client, role):
    sign_in_as(client, "carol", role)
    html = client.get("/about/").content.decode()
    nav = html[html.index('aria-label="Main"'):html.index("</nav>")]
    assert '<a href="/api/docs/">API docs</a>' in nav
    assert client.get("/api/docs/").status_code == 200


def test_auditors_see_no_manage_py_tips_on_the_audit_trail(client):
    sign_in_as(client, "carol", Role.AUDITOR)
    assert "manage.py" not in client.get("/audit/").content.decode()
    client.logout()
    sign_in_as(client, "admin", Role.ADMINISTRATOR)
    assert "python manage.py verify_audit" in client.get("/audit/").content.decode()


def _nav(html):
    return html[html.index('<details class="nav-menu"'):html.index("</details>\n    </div>\n  </header>")]


def test_the_remembered_header_follows_person_role_page_and_window_and_the_token_is_new_each_time(client):
    """The header is remembered per process (connector_nav.site_nav); what it depends on must change it."""
    from datetime import UTC, datetime

    _person("alice", "Alice Archer")
    sign_in_as(client, "alice", Role.ADMINISTRATOR)
    first, again = client.get("/about/").content.decode(), client.get("/about/").content.decode()
    token = 'name="csrfmiddlewaretoken" value="'
    assert _nav(first).split(token)[0] == _nav(again).split(token)[0]  # same person, same page
    assert _nav(first).split(token)[1][:64] != _nav(again).split(token)[1][:64]  # a fresh masked token each time
    assert 'href="/about/" aria-current="page"' in _nav(first)
    assert 'href="/audit/" aria-current="page"' in _nav(client.get("/audit/").content.decode())
    assert "Messages" in _nav(first) and "Administrator" in _account(first)

    client.logout()
    sign_in_as(client, "alice", Role.AUDITOR, access_until=datetime(2031, 5, 6, 7, 8, tzinfo=UTC))
    auditor = client.get("/about/").content.decode()
    assert "Messages" not in _nav(auditor) and "Auditor" in _account(auditor)
    assert "Access until" in _account(auditor) and "2031" in _account(auditor)

    client.logout()
    _person("bob", "Bob <b>Builder</b>")
    sign_in_as(client, "bob", Role.ADMINISTRATOR)
    assert '<span class="account__name">Bob &lt;b&gt;Builder&lt;/b&gt;</span>' in _account(
        client.get("/about/").content.decode())


def test_long_made_up_paths_are_not_remembered(client):
    from connector.templatetags import connector_nav

    sign_in_as(client, "carol", Role.AUDITOR)
    connector_nav._navs.clear()
    client.get("/about/")
    client.get("/no-such-page/" + "x" * 300)  # a 404 page, with the header
    assert {key[2] for key in connector_nav._navs} == {"/about/"}
