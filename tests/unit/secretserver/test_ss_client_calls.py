"""Each method speaks the contract: method, path, camelCase query/body; answers parsed into types."""
import json
from datetime import datetime, timezone

import responses

from connector.secretserver import AccessRequest, ApprovalSettings, Folder, Health, Secret
from ss_unit_helpers import API, make_client

REQ = {"secretAccessRequestId": 9, "secretId": 5, "status": "Pending", "requestUsername": "alice"}


def body(call):
    return json.loads(call.request.body)


def test_create_folder_body():
    c = make_client()
    with responses.RequestsMock() as r:
        r.post(API + "/folders", json={"id": 3, "folderName": "SCIM h", "parentFolderId": -1})
        f = c.create_folder("SCIM h")
        assert isinstance(f, Folder) and f.is_root
        assert body(r.calls[0]) == {"folderName": "SCIM h", "folderTypeId": 1, "parentFolderId": -1,
                                    "inheritPermissions": True, "inheritSecretPolicy": False}


def test_access_request_create_and_update_bodies():
    c = make_client()
    start = datetime(2024, 1, 31, 12, tzinfo=timezone.utc)
    end = datetime(2024, 2, 2, 12, tzinfo=timezone.utc)
    with responses.RequestsMock() as r:
        r.post(API + "/secret-access-requests", json=REQ)
        r.put(API + "/secret-access-requests", json={**REQ, "status": "Approved", "actionResultMessage": "ok"})
        assert isinstance(c.create_access_request(5, "pls", start, end), AccessRequest)
        assert body(r.calls[0]) == {"secretId": 5, "requestComment": "pls", "startDate": "2024-01-31T12:00:00Z",
                                    "expirationDate": "2024-02-02T12:00:00Z"}
        done = c.update_access_request(9, "Approved", "ok", start=start, expiration=end)
        assert done.status == "Approved" and done.action_result_message == "ok"
        assert body(r.calls[1])["secretAccessRequestId"] == 9 and body(r.calls[1])["expirationDate"]


def test_security_approval_wrapper_and_liberal_answer():
    c = make_client()
    with responses.RequestsMock() as r:
        r.put(API + "/secrets/5/security-approval", json=True)
        got = c.set_security_approval(5, "RequireEditorsApproval", [102])
        assert isinstance(got, ApprovalSettings) and got.approver_group_ids == (102,)
        assert body(r.calls[0])["data"]["approvers"] == {"dirty": True, "value": [102]}


def test_secret_stub_create_and_full_put():
    c = make_client()
    stub = {"id": 0, "name": "", "folderId": 4, "secretTemplateId": 9, "items": [
        {"fieldId": 40, "slug": "password", "itemValue": "", "isPassword": True, "fileAttachmentId": None}]}
    with responses.RequestsMock() as r:
        r.get(API + "/secrets/stub", json=stub)
        r.post(API + "/secrets", json={**stub, "id": 11, "name": "n"})
        s = c.secret_stub(9, 4)
        assert "secretTemplateId=9" in r.calls[0].request.url and "folderId=4" in r.calls[0].request.url
        created = c.create_secret(s, name="n", fields={"password": "pw"})
        assert isinstance(created, Secret) and created.id == 11
        sent = body(r.calls[1])
        assert "id" not in sent and sent["name"] == "n" and sent["items"][0]["itemValue"] == "pw"


def test_field_read_write_and_query_names():
    c = make_client()
    with responses.RequestsMock() as r:
        r.get(API + "/secrets/5/fields/password", json="v1")
        r.put(API + "/secrets/5/fields/password", json="v2")
        r.get(API + "/secret-permissions", json={"records": [], "hasNext": False})
        r.get(API + "/secret-access-requests", json={"records": [REQ], "hasNext": False})
        assert c.get_secret_field(5, "password") == "v1"
        assert c.update_secret_field(5, "password", "v2") == "v2" and body(r.calls[1]) == {"value": "v2"}
        c.secret_permissions(secret_id=5, user_id=7)
        assert "filter.secretId=5" in r.calls[2].request.url and "filter.userId=7" in r.calls[2].request.url
        assert c.search_access_requests(status="Pending", is_my_request=True)[0].request_username == "alice"
        assert "filter.status=Pending" in r.calls[3].request.url and "filter.isMyRequest=true" in r.calls[3].request.url


def test_healthcheck_is_anonymous_and_liberal():
    c = make_client()
    with responses.RequestsMock() as r:
        r.get(API + "/healthcheck", json={"Healthy": True})
        r.get(API + "/healthcheck", body="Healthy", content_type="text/plain")
        assert c.healthcheck() == Health(True)
        assert c.healthcheck().healthy
        assert "Authorization" not in r.calls[0].request.headers


def test_version_reads_model_version():
    c = make_client()
    with responses.RequestsMock() as r:
        r.get(API + "/version", json={"success": True, "model": {"version": "11.7.000061"}})
        assert c.version() == "11.7.000061"
