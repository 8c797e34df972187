"""Security approval and the access-request workflow (docs §7, Decisions table)."""
import requests

from .conftest import approval_body, assert_paging

APPROVAL_REQUIRED = {"errorCode": "API_ValidateSecretAccessApprovalRequired",
                     "message": "The requested Secret requires approval."}
DENIED = {"errorCode": "API_AccessDenied", "message": "Access Denied"}
MODEL_KEYS = {"secretAccessRequestId", "secretId", "secretName", "folderId", "requestingUserId", "requestUsername",
              "requestComment", "requestDate", "status", "statusDescription", "reviewStatusMessage",
              "approverDisplayName", "responseComment", "responseDate", "startDate", "expirationDate", "completed",
              "hasWorkflow", "accessRequestWorkflowMapId", "currentUserRestrictedFromReviewing", "ticketNumber",
              "ticketSystemId"}


def file_request(api, secret_id, comment="Please let me in"):
    return api.ok("POST", "/api/v1/secret-access-requests", json={
        "secretId": secret_id, "requestComment": comment, "startDate": "2020-01-01T00:00:00Z",
        "expirationDate": "2099-01-01T00:00:00Z"})


def approve(api, request_id, hours=48, emulator=None):
    now = emulator.now()
    from datetime import timedelta
    return api.ok("PUT", "/api/v1/secret-access-requests", json={
        "secretAccessRequestId": request_id, "status": "Approved", "responseComment": "ok",
        "startDate": now.isoformat(), "expirationDate": (now + timedelta(hours=hours)).isoformat() + "Z"})


def test_security_approval_model_and_options(app, scim):
    sid = scim["secret_id"]
    result = app.ok("PUT", f"/api/v3/secrets/{sid}/security-approval", json=approval_body())
    assert result["success"] is True
    assert result["model"]["requireApprovalType"] == "RequireEditorsApproval"
    assert result["model"]["approvers"] == [{"displayName": "Administrator", "groupId": 102, "isGroup": False}]
    patched = app.ok("PATCH", f"/api/v1/secrets/{sid}/security-approval",
                     json={"data": {"requireApprovalType": {"dirty": True, "value": "RequireEveryoneApproval"}}})
    assert patched["model"]["approvers"][0]["groupId"] == 102  # untouched: not dirty
    options = app.ok("GET", f"/api/v1/secret-access-requests/secrets/{sid}/options")
    assert options["enableRequiresApprovalForAccess"] and options["ownersAndApproversAlsoRequireApproval"]
    bad = app.put(f"/api/v1/secrets/{sid}/security-approval", json=approval_body("Sometimes", [4242]))
    assert bad.status_code == 400 and {"requireApprovalType", "approvers"} <= set(bad.json()["modelState"])
    assert app.get(f"/api/v1/secrets/{sid}").json() == APPROVAL_REQUIRED  # Everyone: the owner too
    listed = app.ok("GET", "/api/v1/secrets?filter.includeRestricted=true")["records"][0]
    assert listed["requiresApproval"] is True and listed["isRestricted"] is True


def test_viewer_without_approval_gets_the_approval_error_and_state(as_user, scim):
    alice = as_user("alice")
    sid = scim["secret_id"]
    response = alice.get(f"/api/v1/secrets/{sid}")
    assert (response.status_code, response.json()) == (400, APPROVAL_REQUIRED)
    state = alice.ok("GET", f"/api/v1/secrets/{sid}/state")
    assert state["secretState"] == "RequiresApproval" and state["approvalEnd"] is None
    assert alice.get(f"/api/v1/secrets/{sid}/fields/password").json() == APPROVAL_REQUIRED
    # restricted secrets only show up in search when asked for
    assert alice.ok("GET", "/api/v1/secrets")["total"] == 0
    assert alice.ok("GET", "/api/v1/secrets?filter.includeRestricted=true")["records"][0]["isRestricted"] is True


def test_owner_and_approver_bypass_editors_approval(as_user, scim):
    admin = as_user("admin")  # owner and approver
    assert admin.ok("GET", f"/api/v1/secrets/{scim['secret_id']}")["id"] == scim["secret_id"]
    assert admin.ok("GET", f"/api/v1/secrets/{scim['secret_id']}/state")["secretState"] == "None"


def test_approval_types_decide_who_needs_approval(app, as_user, scim):
    sid = scim["secret_id"]
    app.ok("POST", "/api/v1/secret-permissions", json={"secretId": sid, "userId": 6, "secretAccessRoleName": "Edit"})
    bob, admin = as_user("bob"), as_user("admin")
    assert bob.get(f"/api/v1/secrets/{sid}").json() == APPROVAL_REQUIRED  # editors need it
    app.ok("PUT", f"/api/v1/secrets/{sid}/security-approval", json=approval_body("RequireApproval"))
    assert bob.get(f"/api/v1/secrets/{sid}").status_code == 200  # only viewers need it
    app.ok("PUT", f"/api/v1/secrets/{sid}/security-approval", json=approval_body("RequireEveryoneApproval"))
    assert admin.get(f"/api/v1/secrets/{sid}").json() == APPROVAL_REQUIRED  # owners too


def test_full_lifecycle_pending_approved_expired(emulator, as_user, scim):
    alice, admin = as_user("alice"), as_user("admin")
    sid = scim["secret_id"]
    filed = file_request(alice, sid)
    assert set(filed) == MODEL_KEYS
    assert (filed["status"], filed["requestUsername"], filed["secretName"]) == ("Pending", "alice", "SCIMSecret host")
    rid = filed["secretAccessRequestId"]
    mine = alice.ok("GET", f"/api/v1/secret-access-requests/secrets/{sid}")
    assert_paging(mine, 1)
    assert mine["records"][0]["status"] == "Pending"
    pending = admin.ok("GET", "/api/v1/secret-access-requests?filter.status=Pending")
    assert [r["secretAccessRequestId"] for r in pending["records"]] == [rid]

    result = approve(admin, rid, hours=2, emulator=emulator)
    assert result["status"] == "Approved" and result["approverDisplayName"] == "Administrator"
    assert result["responseComment"] == "ok" and result["responseDate"] and result["actionResultMessage"]
    assert alice.ok("GET", f"/api/v1/secrets/{sid}")["id"] == sid
    state = alice.ok("GET", f"/api/v1/secrets/{sid}/state")
    assert state["secretState"] == "None" and state["approvalEnd"] == result["expirationDate"]

    emulator.advance_clock(2 * 3600 + 1)
    alice, admin = as_user("alice"), as_user("admin")  # the old tokens expired with the clock
    assert alice.get(f"/api/v1/secrets/{sid}").json() == APPROVAL_REQUIRED
    assert alice.ok("GET", f"/api/v1/secret-access-requests/{rid}")["status"] == "Expired"
    assert alice.ok("GET", f"/api/v1/secrets/{sid}/state")["secretState"] == "RequiresApproval"
    history = admin.ok("GET", f"/api/v1/secret-access-requests/{rid}/history")
    assert [h["action"] for h in history["records"]] == ["Requested", "Approved", "Expired"]
    assert set(history["records"][0]) == {"action", "dateRecorded", "details", "fullName"}
    assert emulator.state.access_requests_list()[0]["status"] == "Expired"


def test_access_starts_only_at_start_date(emulator, as_user, scim):
    alice, admin = as_user("alice"), as_user("admin")
    rid = file_request(alice, scim["secret_id"])["secretAccessRequestId"]
    from datetime import timedelta
    now = emulator.now()
    admin.ok("PUT", "/api/v1/secret-access-requests", json={
        "secretAccessRequestId": rid, "status": "Approved", "responseComment": "later",
        "startDate": (now + timedelta(hours=1)).isoformat(), "expirationDate": (now + timedelta(hours=3)).isoformat()})
    assert alice.get(f"/api/v1/secrets/{scim['secret_id']}").json() == APPROVAL_REQUIRED
    emulator.advance_clock(3601)
    alice = as_user("alice")
    assert alice.get(f"/api/v1/secrets/{scim['secret_id']}").status_code == 200


def test_approve_needs_expiration_and_deny_needs_comment(as_user, scim):
    alice, admin = as_user("alice"), as_user("admin")
    rid = file_request(alice, scim["secret_id"])["secretAccessRequestId"]
    no_end = admin.put("/api/v1/secret-access-requests", json={"secretAccessRequestId": rid, "status": "Approved"})
    assert no_end.status_code == 400 and list(no_end.json()["modelState"]) == ["expirationDate"]
    no_comment = admin.put("/api/v1/secret-access-requests", json={"secretAccessRequestId": rid, "status": "Denied"})
    assert no_comment.status_code == 400 and "responseComment" in no_comment.json()["modelState"]
    denied = admin.ok("PUT", "/api/v1/secret-access-requests", json={
        "secretAccessRequestId": rid, "status": "Denied", "responseComment": "Not today"})
    assert denied["status"] == "Denied" and denied["completed"] is True
    assert alice.get(f"/api/v1/secrets/{scim['secret_id']}").json() == APPROVAL_REQUIRED
    again = admin.put("/api/v1/secret-access-requests", json={
        "secretAccessRequestId": rid, "status": "Approved", "expirationDate": "2099-01-01T00:00:00"})
    assert again.status_code == 400 and "status" in again.json()["modelState"]


def test_requester_cannot_approve_but_can_cancel(as_user, scim):
    alice = as_user("alice")
    rid = file_request(alice, scim["secret_id"])["secretAccessRequestId"]
    approved = alice.put("/api/v1/secret-access-requests", json={
        "secretAccessRequestId": rid, "status": "Approved", "expirationDate": "2099-01-01T00:00:00"})
    assert approved.json() == DENIED
    canceled = alice.ok("PUT", "/api/v1/secret-access-requests", json={"secretAccessRequestId": rid,
                                                                        "status": "Canceled"})
    assert canceled["status"] == "Canceled"


def test_who_may_read_requests(as_user, scim):
    alice, bob, app, carol = as_user("alice"), as_user("bob"), as_user("scim-app"), as_user("carol")
    rid = file_request(alice, scim["secret_id"])["secretAccessRequestId"]
    assert bob.get(f"/api/v1/secret-access-requests/{rid}").json() == DENIED
    assert bob.ok("GET", "/api/v1/secret-access-requests")["total"] == 0
    assert app.ok("GET", f"/api/v1/secret-access-requests/{rid}")["requestUsername"] == "alice"  # owner
    pending = as_user("admin").ok("GET", f"/api/v1/secret-access-requests/{rid}/pending")
    assert pending["currentStepReviewers"] == [{"displayName": "Administrator", "groupId": 102, "isUser": True}]
    assert carol.ok("GET", f"/api/v1/secret-access-requests/secrets/{scim['secret_id']}")["total"] == 0
    assert alice.ok("GET", "/api/v1/secret-access-requests?filter.isMyRequest=true")["total"] == 1
    assert app.ok("GET", "/api/v1/secret-access-requests?filter.isMyRequest=true")["total"] == 0


def test_requester_needs_at_least_list(app, as_user):
    from .conftest import make_folder, make_secret
    secret = make_secret(app, make_folder(app)["id"])
    response = as_user("bob").post("/api/v1/secret-access-requests", json={"secretId": secret["id"]})
    assert response.json() == DENIED
    missing = as_user("bob").post("/api/v1/secret-access-requests", json={})
    assert missing.status_code == 400 and "secretId" in missing.json()["modelState"]


def test_control_approves_a_request(emulator, as_user, scim):
    alice = as_user("alice")
    rid = file_request(alice, scim["secret_id"])["secretAccessRequestId"]
    body = requests.post(f"{emulator.url}/_emulator/access-requests/{rid}/approve", json={"hours": 1}, timeout=5).json()
    assert body["status"] == "Approved" and body["approverDisplayName"] == "Administrator"
    assert alice.get(f"/api/v1/secrets/{scim['secret_id']}").status_code == 200


def test_search_narrows_by_secret_and_requester_an_assumed_extension(app, as_user, scim):
    """docs/secretserver-api-extensions.md: filter.secretId and filter.requestingUserId (AND, any case)."""
    from .conftest import make_secret
    other = make_secret(app, scim["folder_id"], name="Other secret")
    app.ok("POST", "/api/v1/secret-permissions", json={"secretId": other["id"], "groupId": 1,
                                                       "secretAccessRoleName": "View"})
    alice, bob = as_user("alice"), as_user("bob")
    mine = file_request(alice, scim["secret_id"])
    file_request(bob, scim["secret_id"])
    file_request(alice, other["id"])
    everything = app.ok("GET", "/api/v1/secret-access-requests")["total"]
    narrowed = app.ok("GET", f"/api/v1/secret-access-requests?filter.secretId={scim['secret_id']}"
                             f"&FILTER.REQUESTINGUSERID={mine['requestingUserId']}")
    assert everything >= 2 and narrowed["total"] == 1
    assert narrowed["records"][0]["secretAccessRequestId"] == mine["secretAccessRequestId"]
    by_secret = app.ok("GET", f"/api/v1/secret-access-requests?filter.secretId={scim['secret_id']}")
    assert {r["requestUsername"] for r in by_secret["records"]} == {"alice", "bob"}
