"""scim2-tester's compliance check over every resource type the service serves, PAM ones included.

The same in-process setup as tests/scim_replays/test_scim2_tester.py (tests/scim_replays/scim2_checks.py):
User and Group are checked there; here Container and ContainerPermission get the full run (create, read,
query, replace, patch add/replace/remove, delete) and every check must be SUCCESS.

- ContainerPermission: a permission names a ``user`` or a ``group``. The published schema cannot say
  "exactly one of" and so marks neither required; scim2-tester fills only required attributes when it
  creates. The checker therefore runs as a client that grants to users: its description of
  ContainerPermission (the one thing it is told instead of discovering) has ``user`` required, and it sends
  ``$ref`` with each reference so that it creates the user and the container it names. The
  service's published schema stays as it is, and group grants are covered by test_container_permissions.
- PrivilegedData: reads only through SCIM; its writes are the vendor's own routes with Secret Server's stub
  shape (GET /v2/PrivilegedData/Stub, POST /v2/PrivilegedData, PUT /v2/PrivilegedData/{id}), which are not
  SCIM resources the checker can send. Justified skip of its create/replace/patch/delete checks; the reads,
  the vendor routes and the refusals are covered by test_privileged_data.py. Discovery checks must pass.
- PrivilegedDataPermission: the checker would first have to create the PrivilegedData it names, which only
  the vendor's routes do (above); same justified skip, covered by test_privileged_data_permissions.py.
"""
from __future__ import annotations

import pytest
from scim2_models import ScimProvider
from scim2_tester import check_server

from scim.pam.schemas import CONTAINER_PERMISSION_SCHEMA, PRIVILEGED_DATA_PERMISSION_SCHEMA
from scim.provider import POLICY, RESOURCE_TYPES, SCHEMAS
from tests.scim_replays.conftest import configured_connector, scim_token  # noqa: F401
from tests.scim_replays.scim2_checks import (  # noqa: F401 (fixtures)
    assert_all_success,
    assert_resource_checks_succeed,
    connection_kept_open,
    describe,
    in_process_client,
    uuid_passwords_allowed,
)


def _user_granting(schema):
    """ContainerPermission as a client that grants to users describes it: ``user`` (and its value) required."""
    if schema.id not in (CONTAINER_PERMISSION_SCHEMA, PRIVILEGED_DATA_PERMISSION_SCHEMA):
        return schema
    attributes = []
    for attribute in schema.attributes:
        described = attribute.model_dump(by_alias=True)
        if attribute.name in ("user", "container", "privilegedData"):  # sent with value and $ref (the checker creates the target)
            described.update(required=True, mutability="immutable")
            for sub in described["subAttributes"]:
                sub["required"] = sub["name"] in ("value", "$ref")
            attribute = type(attribute).model_validate(described)
        elif attribute.name == "group":  # this client never names a group
            described["mutability"] = "readOnly"
            attribute = type(attribute).model_validate(described)
        attributes.append(attribute)
    return schema.model_copy(update={"attributes": attributes})


@pytest.fixture
def pam_client(scim_token, uuid_passwords_allowed):  # noqa: F811
    provider = ScimProvider.from_discovery([_user_granting(s) for s in SCHEMAS], RESOURCE_TYPES, policy=POLICY)
    return in_process_client(scim_token, provider)


@pytest.mark.parametrize("resource_type", ["Container", "ContainerPermission"])
def test_check_server_reports_every_check_success(pam_client, resource_type):
    assert_resource_checks_succeed(check_server(pam_client, resource_types=[resource_type]), resource_type)


def test_discovery_checks_over_every_served_type(scim_token, uuid_passwords_allowed):  # noqa: F811
    results = [r for r in check_server(in_process_client(scim_token), include_tags={"discovery"})
               if "tag filtering" not in (r.reason or "")]
    assert len(results) >= 5, "the discovery checks did not run:\n" + "\n".join(describe(r) for r in results)
    assert_all_success(results)
