"""Refused SCIM writes reach the audit trail (issue 11, "Seen and audited"), not only the request log.

One row per refused operation (Bulk: per operation), actor = the endpoint, the SCIM operation, the Secret
Server object aimed at, outcome ``failure``/``denied``/``error``; passwords never; fail closed.
"""
import pytest

from connector.models import AuditEvent
from connector.services.audit import AuditWriteError
from tests.scim.conftest import PATCH_SCHEMA, USER_SCHEMA

ACTOR = "SCIM endpoint Okta production"
PASSWORD = "Refused-Passw0rd!"
BULK_REQUEST = "urn:ietf:params:scim:api:messages:2.0:BulkRequest"


def rows_after(seq, **filters):
    return list(AuditEvent.objects.filter(seq__gt=seq, **filters).order_by("seq"))


def head() -> int:
    last = AuditEvent.objects.order_by("-seq").first()
    return last.seq if last else 0


def no_password_anywhere(rows):
    for row in rows:
        assert PASSWORD not in f"{row.message} {row.before} {row.after} {row.target_repr}"


def create(scim, user_name, **extra):
    return scim.post("/v2/Users", {"schemas": [USER_SCHEMA], "userName": user_name, **extra})


def test_a_duplicate_username_409_is_audited_as_a_failure(scim):
    assert create(scim, "dup@corp.local").status_code == 201
    seq = head()
    response = create(scim, "DUP@corp.local", password=PASSWORD)
    assert response.status_code == 409
    rows = rows_after(seq, action="scim.user.create")
    assert [(r.outcome, r.actor_name, r.target_type) for r in rows] == [("failure", ACTOR, "ss_user")]
    assert "POST /Users refused: 409 uniqueness" in rows[0].message
    assert rows[0].after == {"status": 409, "scimType": "uniqueness"}
    no_password_anywhere(rows_after(seq))


def test_an_invalid_body_400_is_audited_without_the_password(scim):
    seq = head()
    response = create(scim, "bad@corp.local", active="maybe", password=PASSWORD)
    assert response.status_code == 400
    rows = rows_after(seq, action="scim.user.create")
    assert [r.outcome for r in rows] == ["failure"] and "400" in rows[0].message
    no_password_anywhere(rows_after(seq))


def test_a_mutability_refusal_on_put_is_audited_against_the_user(scim):
    user = create(scim, "mut@corp.local").json_body
    seq = head()
    response = scim.put(f"/v2/Users/{user['id']}", {"schemas": [USER_SCHEMA], "userName": "renamed@corp.local",
                                                    "password": PASSWORD})
    assert response.status_code == 400 and response.json_body["scimType"] == "mutability"
    rows = rows_after(seq)
    assert [(r.action, r.outcome, r.target_id) for r in rows] == [("scim.user.update", "failure", user["id"])]
    assert "PUT /Users/" in rows[0].message and "mutability" in rows[0].message
    no_password_anywhere(rows)


def test_a_412_precondition_failure_is_audited(scim):
    user = create(scim, "etag@corp.local").json_body
    seq = head()
    response = scim.request("PATCH", f"/v2/Users/{user['id']}", {
        "schemas": [PATCH_SCHEMA], "Operations": [{"op": "replace", "value": {"active": False}}]},
        headers={"If-Match": 'W/"stale"'})
    assert response.status_code == 412
    rows = rows_after(seq)
    assert [(r.action, r.outcome, r.target_id) for r in rows] == [("scim.user.update", "failure", user["id"])]
    assert "412" in rows[0].message


def test_a_404_on_a_write_is_audited(scim):
    seq = head()
    assert scim.delete("/v2/Users/999999").status_code == 404
    assert scim.delete("/v2/Groups/abc").status_code == 404
    rows = rows_after(seq)
    assert [(r.action, r.outcome, r.target_type, r.target_repr) for r in rows] == [
        ("scim.user.delete", "failure", "ss_user", "999999"), ("scim.group.delete", "failure", "ss_group", "abc")]
    assert rows[0].target_id == "999999" and rows[1].target_id == ""


def test_reads_are_not_audited(scim):
    seq = head()
    assert scim.get("/v2/Users/999999").status_code == 404
    assert rows_after(seq) == []


def test_writes_that_reach_secret_server_keep_their_own_rows_only(scim):
    seq = head()
    assert create(scim, "ok@corp.local").status_code == 201
    assert [r.outcome for r in rows_after(seq)] == ["intent", "success"]


def test_bulk_one_row_per_refused_operation(scim):
    assert create(scim, "taken@corp.local").status_code == 201
    seq = head()
    response = scim.post("/v2/Bulk", {"schemas": [BULK_REQUEST], "Operations": [
        {"method": "POST", "path": "/Users", "bulkId": "a",
         "data": {"schemas": [USER_SCHEMA], "userName": "taken@corp.local", "password": PASSWORD}},
        {"method": "DELETE", "path": "/Users/999999"},
        {"method": "POST", "path": "/Users", "bulkId": "b", "data": {"schemas": [USER_SCHEMA], "userName": "new@corp.local"}},
    ]})
    assert [op["status"] for op in response.json_body["Operations"]] == ["409", "404", "201"]
    rows = rows_after(seq)
    assert [(r.action, r.outcome) for r in rows] == [
        ("scim.user.create", "failure"), ("scim.user.delete", "failure"),
        ("scim.user.create", "intent"), ("scim.user.create", "success")]
    assert "409 uniqueness" in rows[0].message and "DELETE /Users/999999" in rows[1].message
    no_password_anywhere(rows)


def test_fail_closed_an_unwritable_refusal_row_is_not_answered_as_a_refusal(scim, monkeypatch):
    assert create(scim, "closed@corp.local").status_code == 201

    def broken(**kwargs):
        raise AuditWriteError()
    monkeypatch.setattr("scim.services.write_audit.audit_record", broken)
    response = create(scim, "closed@corp.local")
    assert response.status_code == 500 and response.json_body["status"] == "500"


def test_fail_closed_in_bulk_no_later_operation_runs(scim, ss_admin, monkeypatch):
    def broken(**kwargs):
        raise AuditWriteError()
    monkeypatch.setattr("scim.services.write_audit.audit_record", broken)
    response = scim.post("/v2/Bulk", {"schemas": [BULK_REQUEST], "Operations": [
        {"method": "DELETE", "path": "/Users/999999"},
        {"method": "POST", "path": "/Users", "bulkId": "b", "data": {"schemas": [USER_SCHEMA], "userName": "late@corp.local"}},
    ]})
    assert response.status_code == 500
    assert not [u for u in ss_admin.search_users("late@corp.local", include_inactive=True)]


@pytest.mark.parametrize("status", [401, 403])
def test_refusal_outcomes_follow_the_audit_vocabulary(status):
    from scim.services.write_audit import refusal_outcome

    assert refusal_outcome(status) == "denied"
    assert (refusal_outcome(404), refusal_outcome(409), refusal_outcome(503)) == ("failure", "failure", "error")
