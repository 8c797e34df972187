"""The SCIM service's fixtures (tests/scim/conftest.py): a configured connector, one endpoint, the emulator."""
from tests.scim.conftest import (  # noqa: F401
    admin_client, connector, endpoint, scim, set_settings, ss_admin, ss_app,
)

import pytest  # noqa: E402


@pytest.fixture
def mapped(endpoint, request):
    """The endpoint with the test module's ``MAPPINGS`` as its permission mappings."""
    from connector.services.endpoints import endpoint_update

    endpoint_update(endpoint.endpoint.ss_secret_id, permission_mappings=request.module.MAPPINGS)
    return endpoint


@pytest.fixture
def alice(ss_app):
    """The emulator's seeded user ``alice``."""
    return next(u for u in ss_app.search_users("alice") if u.user_name == "alice")
