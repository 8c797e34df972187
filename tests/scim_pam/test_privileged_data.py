"""PrivilegedData ↔ secrets: lists and reads without sensitive values; the vendor's routes; the switch.

"Sensitive" = Secret Server's ``isPassword`` fields (passwords, private keys, passphrases). The tests put
recognisable values into them and look for those values everywhere the connector writes: SCIM answers,
the request log (Messages), the audit trail, the event log files and Python's log records.
"""
from __future__ import annotations

import dataclasses
import json
import logging

import pytest

from connector.models import AuditEvent
from scim.models import ScimRequestLog
from scim.pam.common import MSG_SENSITIVE_OFF
from scim.pam.schemas import CONTAINER_SCHEMA, SS_PRIVILEGED_DATA_SCHEMA

pytestmark = pytest.mark.django_db
PASSWORD = "Sensitive-Pa55word-7731!"
KEY = "-----BEGIN KEY----- sensitive-key-material-0042 -----END KEY-----"
PASSPHRASE = "sensitive-passphrase-9911"
SENSITIVE = (PASSWORD, KEY, PASSPHRASE)


@pytest.fixture
def box(scim):
    response = scim.post("/v2/Containers", {"schemas": [CONTAINER_SCHEMA], "displayName": "Vault Box"})
    assert response.status_code == 201
    return int(response.json_body["id"])


@pytest.fixture
def secrets(ss_app, box):
    web = ss_app.create_secret(ss_app.secret_stub(9, box), name="web login", folder_id=box, fields={
        "url": "https://app.example", "username": "svc-web", "password": PASSWORD, "notes": "plain note"})
    ssh = ss_app.create_secret(ss_app.secret_stub(6100, box), name="ssh key", folder_id=box, fields=dict(
        _required(ss_app, 6100), **{"private-key": KEY, "private-key-passphrase": PASSPHRASE}))
    return {"web": web, "ssh": ssh}


def _required(ss_app, template_id):
    template = ss_app.get_secret_template(template_id)
    return {f.slug: "value-" + f.slug for f in template.fields if f.is_required and not f.is_password}


@pytest.fixture
def log_dir(settings, tmp_path):
    settings.CONNECTOR_LOG_DIR = str(tmp_path)
    return tmp_path


def _allow(endpoint, on: bool = True):
    from connector.services.endpoints import endpoint_update

    return endpoint_update(endpoint.endpoint.ss_secret_id, allow_sensitive_reads=on)


def _nowhere(response_texts, caplog, log_dir=None):
    """No sensitive value in the answers, the request log, the audit trail, log files or log records."""
    from scim.services.requestlog import request_log_flush

    request_log_flush()
    places = {"answers": "\n".join(response_texts),
              "request log": json.dumps(list(ScimRequestLog.objects.values()), default=str),
              "audit": json.dumps(list(AuditEvent.objects.values()), default=str),
              "log records": "\n".join(r.getMessage() + repr(r.args) for r in caplog.records)}
    if log_dir is not None:
        places["log files"] = "\n".join(p.read_text(errors="replace") for p in log_dir.rglob("*") if p.is_file())
    for where, text in places.items():
        for value in SENSITIVE:
            assert value not in text, f"a sensitive value appears in the {where}"


def test_list_and_read_show_no_sensitive_value(scim, secrets, box, caplog, log_dir):
    caplog.set_level(logging.DEBUG)
    listed = scim.get(f"/v2/PrivilegedData?filter=container eq {box}")
    assert listed.status_code == 200
    assert {r["name"] for r in listed.json_body["Resources"]} == {"web login", "ssh key"}
    entry = next(r for r in listed.json_body["Resources"] if r["name"] == "web login")
    assert entry["container"]["value"] == str(box) and entry["container"]["display"] == "Vault Box"
    assert entry["type"] == "Web Password" and entry[SS_PRIVILEGED_DATA_SCHEMA]["secretTemplateId"] == 9
    read = scim.get(f"/v2/PrivilegedData/{secrets['web'].id}")
    assert read.status_code == 200
    fields = {f["slug"]: f["value"] for f in read.json_body[SS_PRIVILEGED_DATA_SCHEMA]["fields"]}
    assert fields == {"url": "https://app.example", "username": "svc-web", "notes": "plain note"}
    ssh = scim.get(f"/v2/PrivilegedData/{secrets['ssh'].id}")
    assert ssh.status_code == 200
    slugs = {f["slug"] for f in ssh.json_body[SS_PRIVILEGED_DATA_SCHEMA]["fields"]}
    assert "private-key" not in slugs and "private-key-passphrase" not in slugs
    every = scim.get("/v2/PrivilegedData?count=1000")
    by_name = scim.get('/v2/PrivilegedData?filter=name eq "web login"')
    assert by_name.json_body["totalResults"] == 1
    _nowhere([listed.content.decode(), read.content.decode(), ssh.content.decode(), every.content.decode()],
             caplog, log_dir)
    assert not AuditEvent.objects.filter(action="scim.privileged_data.read_sensitive").exists()


def test_get_fields_without_the_switch_leaves_sensitive_values_out(scim, secrets, caplog, log_dir):
    caplog.set_level(logging.DEBUG)
    fields = scim.get(f"/v2/PrivilegedData/GetFields?id={secrets['web'].id}")
    assert fields.status_code == 200
    assert {i["slug"] for i in fields.json_body["items"]} == {"url", "username", "notes"}
    asked = scim.get(f"/v2/PrivilegedData/GetFields?id={secrets['web'].id}&slug=password")
    assert asked.status_code == 403 and asked.json_body["detail"] == MSG_SENSITIVE_OFF
    by_name = scim.get("/v2/PrivilegedData/GetFields?name=ssh key&slug=private-key")
    assert by_name.status_code == 403
    _nowhere([fields.content.decode(), asked.content.decode(), by_name.content.decode()], caplog, log_dir)
    assert not AuditEvent.objects.filter(action="scim.privileged_data.read_sensitive").exists()


def test_get_fields_with_the_switch_reads_and_audits_each_sensitive_value(scim, endpoint, secrets):
    _allow(endpoint)
    switched = AuditEvent.objects.filter(action="endpoint.update", message__contains="sensitive")
    assert switched.exists()
    response = scim.get(f"/v2/PrivilegedData/GetFields?id={secrets['ssh'].id}")
    assert response.status_code == 200
    values = {i["slug"]: i["itemValue"] for i in response.json_body["items"]}
    assert values["private-key"] == KEY and values["private-key-passphrase"] == PASSPHRASE
    rows = AuditEvent.objects.filter(action="scim.privileged_data.read_sensitive", target_id=str(secrets["ssh"].id))
    assert {r.message.rsplit("'", 2)[1] for r in rows} == {"private-key", "private-key-passphrase"}
    assert all(r.actor_name == f"SCIM endpoint {endpoint.endpoint.name}" for r in rows)
    one = scim.get(f"/v2/PrivilegedData/GetFields?id={secrets['web'].id}&slug=password")
    assert one.status_code == 200 and [i["itemValue"] for i in one.json_body["items"]] == [PASSWORD]
    audit_text = json.dumps(list(AuditEvent.objects.values()), default=str)
    assert not any(value in audit_text for value in SENSITIVE)
    # lists and reads stay free of sensitive values with the switch on
    read = scim.get(f"/v2/PrivilegedData/{secrets['web'].id}").content.decode()
    assert PASSWORD not in read
    _allow(endpoint, False)
    assert scim.get(f"/v2/PrivilegedData/GetFields?id={secrets['web'].id}&slug=password").status_code == 403


def test_the_switch_is_kept_in_secret_server_and_mirrored(endpoint, ss_app):
    from connector.models import EndpointMirror
    from connector.services.endpoints import endpoint_from_secret

    _allow(endpoint)
    assert endpoint_from_secret(ss_app.get_secret(endpoint.endpoint.ss_secret_id)).allow_sensitive_reads
    assert EndpointMirror.objects.get(ss_secret_id=endpoint.endpoint.ss_secret_id).allow_sensitive_reads


@pytest.mark.parametrize("kind, detail", [("comment", "requires a comment"), ("checkout", "requires check out"),
                                          ("approval", "requires approval")])
def test_restricted_secrets_answer_the_scim_error_that_says_so(scim, ss_app, ss_admin, box, kind, detail):
    stub = ss_app.secret_stub(9, box)
    if kind == "comment":
        stub = dataclasses.replace(stub, requires_comment=True)
    if kind == "checkout":
        stub = dataclasses.replace(stub, check_out_enabled=True)
    secret = ss_app.create_secret(stub, name=f"restricted {kind}", folder_id=box,
                                  fields={"url": "https://x", "username": "u", "password": PASSWORD})
    if kind == "approval":
        approvers = [g.id for g in ss_app.search_groups() if g.name == "Everyone"]
        ss_app.set_security_approval(secret.id, "RequireEveryoneApproval", approvers)
    response = scim.get(f"/v2/PrivilegedData/{secret.id}")
    assert response.status_code == 403, response.json_body
    assert detail in response.json_body["detail"]
    assert PASSWORD not in response.content.decode()
    fields = scim.get(f"/v2/PrivilegedData/GetFields?id={secret.id}")
    assert fields.status_code == 403 and detail in fields.json_body["detail"]
    if kind == "checkout":  # SCIM never checked it out
        assert not ss_app.search_secrets(folder_id=box, search_text="restricted checkout")[0].checked_out


def test_stub_create_and_update_through_the_vendor_routes(scim, ss_app, box):
    stub = scim.get(f"/v2/PrivilegedData/Stub?secretTemplateId=9&folderId={box}")
    assert stub.status_code == 200, stub.json_body
    body = stub.json_body
    assert body["secretTemplateId"] == 9 and body["folderId"] == box
    assert {i["slug"] for i in body["items"]} >= {"url", "username", "password", "notes"}
    body["name"] = "from sailpoint"
    for item in body["items"]:
        item["itemValue"] = {"url": "https://sp.example", "username": "sp-user", "password": PASSWORD}.get(
            item["slug"], item["itemValue"])
    created = scim.post("/v2/PrivilegedData", body)
    assert created.status_code == 201, created.json_body
    assert PASSWORD not in created.content.decode()
    secret_id = created.json_body["id"]
    held = ss_app.get_secret(secret_id)
    assert (held.name, held.folder_id, held.field("password"), held.field("username")) == \
        ("from sailpoint", box, PASSWORD, "sp-user")
    updated = scim.put(f"/v2/PrivilegedData/{secret_id}",
                       {"name": "from sailpoint v2", "items": [{"slug": "username", "itemValue": "sp-user-2"}]})
    assert updated.status_code == 200, updated.json_body
    held = ss_app.get_secret(secret_id)
    assert (held.name, held.field("username"), held.field("password")) == ("from sailpoint v2", "sp-user-2", PASSWORD)
    rows = AuditEvent.objects.filter(action__startswith="scim.privileged_data.", target_id=str(secret_id))
    assert {r.action for r in rows} == {"scim.privileged_data.create", "scim.privileged_data.update"}
    assert PASSWORD not in json.dumps(list(rows.values()), default=str)


def test_vendor_routes_refuse_bad_input(scim, box):
    assert scim.get("/v2/PrivilegedData/Stub").status_code == 400
    assert scim.post("/v2/PrivilegedData", raw=b"not json").status_code == 400
    unknown = scim.post("/v2/PrivilegedData", {"name": "x", "secretTemplateId": 9, "folderId": box,
                                                "items": [{"slug": "nosuch", "itemValue": "1"}]})
    assert unknown.status_code == 400 and "nosuch" in unknown.json_body["detail"]
    assert scim.get("/v2/PrivilegedData/Stub?secretTemplateId=9", token="wrong").status_code == 401


def test_scim_writes_of_privileged_data_are_refused(scim, secrets):
    secret_id = secrets["web"].id
    patched = scim.patch(f"/v2/PrivilegedData/{secret_id}", [{"op": "replace", "path": "name", "value": "x"}])
    assert patched.status_code == 400 and patched.json_body["scimType"] == "mutability"  # read-only attributes
    deleted = scim.delete(f"/v2/PrivilegedData/{secret_id}")
    assert deleted.status_code == 400 and "PrivilegedData/Stub" in deleted.json_body["detail"]


def test_the_connectors_own_secrets_are_not_privileged_data(scim, endpoint, connector):
    _allow(endpoint)
    listed = scim.get("/v2/PrivilegedData?count=1000").json_body
    assert str(connector.scim_secret_id) not in {r["id"] for r in listed["Resources"]}
    assert scim.get(f"/v2/PrivilegedData/{connector.scim_secret_id}").status_code == 404
    assert scim.get(f"/v2/PrivilegedData/GetFields?id={connector.scim_secret_id}").status_code == 404
    assert scim.get(f"/v2/PrivilegedData/GetFields?id={endpoint.endpoint.ss_secret_id}").status_code == 404
    assert scim.put(f"/v2/PrivilegedData/{connector.scim_secret_id}", {"name": "x"}).status_code == 404
