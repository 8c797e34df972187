"""Discovery publishes the PAM resource types and schemas, and what it publishes validates in scim2-models."""
from __future__ import annotations

import pytest
from scim2_models import ResourceType, Schema, ScimProvider

pytestmark = pytest.mark.django_db
PAM = {"Container": "urn:ietf:params:scim:schemas:pam:1.0:Container",
       "ContainerPermission": "urn:ietf:params:scim:schemas:pam:1.0:ContainerPermission",
       "PrivilegedData": "urn:ietf:params:scim:schemas:pam:1.0:PrivilegedData",
       "PrivilegedDataPermission": "urn:ietf:params:scim:schemas:pam:1.0:PrivilegedDataPermission"}


def test_published_schemas_and_resource_types_validate_and_compose(scim):
    schemas = scim.get("/v2/Schemas").json_body["Resources"]
    resource_types = scim.get("/v2/ResourceTypes").json_body["Resources"]
    parsed_schemas = [Schema.model_validate(s) for s in schemas]
    parsed_types = [ResourceType.model_validate(r) for r in resource_types]
    by_id = {r.id: r for r in parsed_types}
    for name, urn in PAM.items():
        assert by_id[name].schema_ == urn
        one = scim.get(f"/v2/Schemas/{urn}")
        assert one.status_code == 200 and Schema.model_validate(one.json_body).id == urn
        assert scim.get(f"/v2/ResourceTypes/{name}").status_code == 200
    provider = ScimProvider.from_discovery(parsed_schemas, parsed_types)
    assert {m.__name__.split("[")[0] for m in provider.models} >= set(PAM)
