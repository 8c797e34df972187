"""The SCIM service's fixtures (tests/scim/conftest.py): a configured connector, one endpoint, the emulator."""
from tests.scim.conftest import (  # noqa: F401
    admin_client, connector, endpoint, scim, set_settings, ss_admin, ss_app,
)
