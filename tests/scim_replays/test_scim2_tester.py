"""scim2-tester's compliance check (``check_server``) against the connector, in process, for User and Group.

scim2-tester discovers the service (ServiceProviderConfig, ResourceTypes, Schemas), then for each resource
type creates, reads, queries, replaces, patches (add, replace, remove) and deletes resources filled with
random values, and checks each answer against RFC 7643/7644. It talks to Django's WSGI application through
scim2-client's WSGI engine (no socket); the connector behind it talks to the emulator over real HTTP.

Every check must report SUCCESS: not COMPLIANT/ACCEPTABLE (optional behaviour), not SKIPPED (a feature the
checker found unsupported), and certainly not ERROR/CRITICAL.
"""
from __future__ import annotations

import pytest
from django.core.wsgi import get_wsgi_application
from scim2_client.engines.wsgi import WSGISCIMClient
from scim2_tester import Status, check_server

from tests.helpers import django_connection_kept_open


@pytest.fixture(autouse=True)
def _connection_kept_open():
    """scim2-client calls the WSGI application directly: keep the test's database connection open."""
    with django_connection_kept_open():
        yield


# What scim2-tester 0.5.2 runs on each resource type; a run that silently loses one of them must fail.
RESOURCE_CHECKS = {"object_creation", "object_query", "object_query_without_id", "object_query_with_attributes",
                   "object_list_with_attributes", "search_with_attributes", "object_replacement",
                   "check_add_attribute", "check_replace_attribute", "check_remove_attribute", "object_deletion"}


def _describe(result) -> str:
    data = result.data if result.data is None or isinstance(result.data, (str, dict, list)) else repr(result.data)
    return (f"[{result.status.name}] {result.resource_type or '-'} {result.title}: {result.reason}\n"
            f"        {str(data)[:500]}")


@pytest.fixture
def uuid_passwords_allowed(ss):
    """Secret Server's local password policy is an administrator's setting (Admin > Configuration > Local
    User Passwords). scim2-tester fills ``password`` with random UUIDs, which have no upper-case letter, so
    this Secret Server is configured not to require one; the rest of the policy (length, lower case, digit,
    symbol) stays. Without this the checks would only show Secret Server refusing the tester's passwords
    (correctly: 400 invalidValue), not how the SCIM service behaves. ``ss`` restores the seed's policy."""
    policy = dict(ss.state.settings.get("passwordPolicy", {}))
    ss.state.settings["passwordPolicy"] = {**policy, "passwordRequireUppercase": False}


@pytest.fixture
def scim_client(scim_token, uuid_passwords_allowed):
    return WSGISCIMClient(get_wsgi_application(), base_url="http://localhost/v2",
                          headers={"Authorization": f"Bearer {scim_token}"})


@pytest.mark.parametrize("resource_type", ["User", "Group"])
def test_check_server_reports_every_check_success(scim_client, resource_type):
    results = check_server(scim_client, resource_types=[resource_type])
    ran = {r.title for r in results if r.resource_type == resource_type}
    assert ran >= RESOURCE_CHECKS, f"scim2-tester did not run {sorted(RESOURCE_CHECKS - ran)} on " \
        f"{resource_type}:\n" + "\n".join(_describe(r) for r in results)
    failing = [r for r in results if r.status is not Status.SUCCESS]
    assert not failing, f"{len(failing)} of {len(results)} checks are not SUCCESS:\n" + \
        "\n".join(_describe(r) for r in failing)
