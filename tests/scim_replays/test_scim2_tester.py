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
from scim2_tester import check_server

from tests.scim_replays.scim2_checks import (  # noqa: F401 (fixtures)
    assert_resource_checks_succeed,
    connection_kept_open,
    in_process_client,
    uuid_passwords_allowed,
)


@pytest.fixture
def scim_client(scim_token, uuid_passwords_allowed):  # noqa: F811
    return in_process_client(scim_token)


@pytest.mark.parametrize("resource_type", ["User", "Group"])
def test_check_server_reports_every_check_success(scim_client, resource_type):
    assert_resource_checks_succeed(check_server(scim_client, resource_types=[resource_type]), resource_type)
