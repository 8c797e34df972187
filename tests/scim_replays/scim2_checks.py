"""What the scim2-tester compliance runs share (tests/scim_replays/test_scim2_tester.py for User and Group,
tests/scim_pam/test_scim2_tester.py for the PAM types): the in-process client, the Secret Server password
policy the checker needs, the checks that must run and how a failing run is reported."""
from __future__ import annotations

import pytest
from django.core.wsgi import get_wsgi_application
from scim2_client.engines.wsgi import WSGISCIMClient
from scim2_tester import Status

from tests.helpers import django_connection_kept_open

# What scim2-tester 0.5.2 runs on each resource type; a run that silently loses one of them must fail.
RESOURCE_CHECKS = {"object_creation", "object_query", "object_query_without_id", "object_query_with_attributes",
                   "object_list_with_attributes", "search_with_attributes", "object_replacement",
                   "check_add_attribute", "check_replace_attribute", "check_remove_attribute", "object_deletion"}


@pytest.fixture(autouse=True)
def connection_kept_open():
    """scim2-client calls the WSGI application directly: keep the test's database connection open.
    (Autouse in every test module that imports it.)"""
    with django_connection_kept_open():
        yield


@pytest.fixture
def uuid_passwords_allowed(ss):
    """Secret Server's local password policy is an administrator's setting (Admin > Configuration > Local
    User Passwords). scim2-tester fills ``password`` with random UUIDs, which have no upper-case letter, so
    this Secret Server is configured not to require one; the rest of the policy (length, lower case, digit,
    symbol) stays. Without this the checks would only show Secret Server refusing the tester's passwords
    (correctly: 400 invalidValue), not how the SCIM service behaves. ``ss`` restores the seed's policy."""
    policy = dict(ss.state.settings.get("passwordPolicy", {}))
    ss.state.settings["passwordPolicy"] = {**policy, "passwordRequireUppercase": False}


def in_process_client(scim_token: str, provider=None) -> WSGISCIMClient:
    """A scim2-client talking to Django's WSGI application directly (no socket), with the endpoint's token;
    ``provider`` replaces discovery when the checker must be told how a client describes the types."""
    extra = {"provider": provider} if provider is not None else {}
    return WSGISCIMClient(get_wsgi_application(), base_url="http://localhost/v2",
                          headers={"Authorization": f"Bearer {scim_token}"}, **extra)


def describe(result) -> str:
    """One check result as a readable line (its data cut to 500 characters)."""
    data = result.data if result.data is None or isinstance(result.data, (str, dict, list)) else repr(result.data)
    return (f"[{result.status.name}] {result.resource_type or '-'} {result.title}: {result.reason}\n"
            f"        {str(data)[:500]}")


def assert_all_success(results) -> None:
    """Every check is SUCCESS (not COMPLIANT/ACCEPTABLE, SKIPPED, ERROR or CRITICAL); the others listed."""
    failing = [r for r in results if r.status is not Status.SUCCESS]
    assert not failing, f"{len(failing)} of {len(results)} checks are not SUCCESS:\n" + \
        "\n".join(describe(r) for r in failing)


def assert_resource_checks_succeed(results, resource_type: str) -> None:
    """Every check in RESOURCE_CHECKS ran on ``resource_type``, and every check of the run is SUCCESS."""
    ran = {r.title for r in results if r.resource_type == resource_type}
    assert ran >= RESOURCE_CHECKS, f"scim2-tester did not run {sorted(RESOURCE_CHECKS - ran)} on " \
        f"{resource_type}:\n" + "\n".join(describe(r) for r in results)
    assert_all_success(results)
