"""The SCIM service answers hostile requests with a SCIM 400, never a 500 (found by the hostile corpus)."""
import pytest
from django.test import Client

from tests.integration.signin.conftest import connector  # noqa: F401  (a configured connector on the emulator)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/v2", "/v2/Users"])
def test_two_thousand_query_parameters_are_a_scim_400(ss, connector, path):  # noqa: F811
    query = "&".join(f"p{i}={i}" for i in range(2000))
    response = Client(raise_request_exception=False).get(f"{path}?{query}")
    assert response.status_code == 400
    assert "scim" in response["Content-Type"]
