"""PAM requests share the service's error threshold, disabled state and Bulk."""
from __future__ import annotations

import pytest

from scim.pam.schemas import CONTAINER_SCHEMA
from scim.services.cache import lists_clear_local
from scim.services.threshold import failures_current

pytestmark = pytest.mark.django_db


def test_upstream_failures_of_pam_requests_count_and_disable(scim, ss, ss_app, connector, set_settings):
    from connector.services.configuration_service import settings_document_read

    set_settings(error_threshold=3)
    scim.get("/v2/Containers?count=1")
    lists_clear_local()
    ss.inject_fault("status", count=50, status=500, path_prefix="/api/v1/folders")
    statuses = [scim.get("/v2/Containers").status_code for _ in range(2)]
    statuses.append(scim.get("/v2/PrivilegedData/GetFields?id=1").status_code)  # the vendor route counts too
    assert statuses == [503, 503, 503]
    ss.clear_faults()
    assert settings_document_read(ss_app, connector).settings.connector_disabled
    refused = scim.get("/v2/PrivilegedData/Stub?secretTemplateId=9")
    assert refused.status_code == 503 and refused["Retry-After"]
    set_settings(connector_disabled=False)
    assert failures_current() == 0 and scim.get("/v2/Containers").status_code == 200


def test_client_errors_of_pam_requests_never_count(scim, connector, set_settings):
    set_settings(error_threshold=2)
    for _ in range(4):
        assert scim.get("/v2/Containers/999999").status_code == 404
        assert scim.get("/v2/PrivilegedData/Stub").status_code == 400
    assert failures_current() == 0


def test_bulk_creates_a_container_tree_with_bulk_ids(scim, ss_app):
    response = scim.post("/v2/Bulk", {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:BulkRequest"],
        "Operations": [
            {"method": "POST", "path": "/Containers", "bulkId": "top",
             "data": {"schemas": [CONTAINER_SCHEMA], "name": "Bulk Top"}},
            {"method": "POST", "path": "/Containers", "bulkId": "kid",
             "data": {"schemas": [CONTAINER_SCHEMA], "name": "Bulk Kid", "parent": {"value": "bulkId:top"}}}]})
    assert response.status_code == 200, response.json_body
    statuses = [op["status"] for op in response.json_body["Operations"]]
    assert statuses == ["201", "201"], response.json_body
    kid_id = int(response.json_body["Operations"][1]["location"].rsplit("/", 1)[1])
    top_id = int(response.json_body["Operations"][0]["location"].rsplit("/", 1)[1])
    assert ss_app.get_folder(kid_id).parent_folder_id == top_id
