"""``sync_connector`` drops the extras whose Secret Server object (or endpoint) is gone."""
from connector.services.sync import SYNC_STEPS, connector_sync
from scim.models import ScimResourceExtra
from scim.services.extras import extras_sync
from tests.scim.conftest import GROUP_SCHEMA, USER_SCHEMA


def test_extras_step_is_registered():
    assert extras_sync in SYNC_STEPS


def test_rows_of_gone_objects_and_endpoints_are_dropped(scim, ss_app, ss_admin, connector, endpoint):
    user = scim.post("/v2/Users", {"schemas": [USER_SCHEMA], "userName": "kept@corp.local", "externalId": "k"}).json_body
    group = scim.post("/v2/Groups", {"schemas": [GROUP_SCHEMA], "displayName": "Gone", "externalId": "g"}).json_body
    ss_admin.delete_group(int(group["id"]))  # deleted in Secret Server directly
    ScimResourceExtra.objects.create(endpoint_secret_id=999_999, resource_type="User", ss_id=int(user["id"]))
    ScimResourceExtra.objects.create(endpoint_secret_id=endpoint.endpoint.ss_secret_id, resource_type="User",
                                     ss_id=888_888)
    report = connector_sync(ss_app, connector)
    assert report.ok, report.errors
    assert report.counts["scim_extras_dropped"] == 3
    remaining = list(ScimResourceExtra.objects.values_list("resource_type", "ss_id"))
    assert remaining == [("User", int(user["id"]))]
