"""Fixtures of the settings area: a connector set up against the emulator, signed-in people."""
import pytest

from connector.access import Role
from connector.services.setup import secretserver_setup
from tests.conftest import DEMO_PASSWORDS
from tests.helpers import sign_in_as

pytestmark = pytest.mark.django_db


def setup_values(ss, **overrides):
    values = {"url": ss.url, "admin_username": "admin", "admin_password": DEMO_PASSWORDS["admin"],
              "app_username": "scim-app", "app_password": DEMO_PASSWORDS["scim-app"]}
    return {**values, **overrides}


def configure_connector(ss, **overrides):
    """Set the connector up against the emulator (as the web form would); returns the SetupResult.

    Usable by other areas' tests: ``from tests.integration.settings.conftest import configure_connector``.
    """
    return secretserver_setup(**setup_values(ss, **overrides))


@pytest.fixture
def configured(ss, db):
    return configure_connector(ss)


@pytest.fixture
def admin_client(client):
    sign_in_as(client, "admin", Role.ADMINISTRATOR, ss_user_id=2)
    return client


@pytest.fixture
def auditor_client(client):
    sign_in_as(client, "carol", Role.AUDITOR, ss_user_id=7)
    return client
