"""Pinned Secret Server round trips per page (counts, not times: issue 10).

A signed-in administrator opens each page twice. The first view may ask Secret Server (status, settings,
the history and endpoint refresh); a second view within the freshness window asks nothing — the configuration
page too: its form shows the settings document cached ≤ 30 s, a save still checks the revision Secret Server
holds (tests/integration/settings/test_configuration.py).
Token grants are counted apart: the application account's token is shared through the cache.
"""
import pytest

from tests.helpers import sign_in_as
from tests.integration.endpoints.conftest import connector, ss_app  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db

FIRST_VIEW = {
    "/": ["/api/v1/secrets/{secret}/fields/notes", "/api/v1/healthcheck", "/api/v1/version"],  # + settings (30 s)
    "/settings/secret-server/": ["/api/v1/folders/{folder}", "/api/v1/secrets/{secret}"],
    "/settings/configuration/": ["/api/v1/secrets/{secret}/fields/notes"],
    "/settings/endpoints/": ["/api/v1/secrets"],
    "/history/": ["/api/v1/secret-access-requests"],
    "/audit/": ["/api/v1/secrets"],  # the published audit anchor (cached 5 min)
}
SECOND_VIEW = {path: [] for path in FIRST_VIEW}


def _paths(ss):
    return [r.path for r in ss.requests if not r.path.startswith("/_emulator/") and r.path != "/oauth2/token"]


def _tokens(ss):
    return [r for r in ss.requests if r.path == "/oauth2/token"]


@pytest.mark.parametrize("path", list(FIRST_VIEW))
def test_secret_server_calls_per_page(client, ss, connector, path):  # noqa: F811
    sign_in_as(client, "admin", "administrator")
    expected = {"folder": connector.folder_id, "secret": connector.scim_secret_id}
    ss.clear_requests()
    assert client.get(path).status_code == 200
    assert _paths(ss) == [p.format(**expected) for p in FIRST_VIEW[path]]
    ss.clear_requests()
    assert client.get(path).status_code == 200
    assert _paths(ss) == [p.format(**expected) for p in SECOND_VIEW[path]]
    assert _tokens(ss) == []  # the application account's token is reused


def test_a_new_setup_shows_a_fresh_status_at_once(client, ss, connector):  # noqa: F811
    """The cached Secret Server status is keyed by the bootstrap record's version: a save invalidates it."""
    sign_in_as(client, "admin", "administrator")
    client.get("/")
    connector.configured_by = "someone else"
    connector.save()
    ss.clear_requests()
    client.get("/")
    assert _paths(ss) == ["/api/v1/healthcheck", "/api/v1/version"]
