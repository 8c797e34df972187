"""Secrets that need a comment or a check-out, templates with sensitive fields (extensions doc §5)."""
import pytest

from .conftest import approval_body, make_folder

DENIED = {"errorCode": "API_AccessDenied", "message": "Access Denied"}
COMMENT = {"errorCode": "API_ValidateSecretAccessCommentRequired",
           "message": "The requested Secret requires a comment when viewed."}
CHECKOUT = {"errorCode": "API_ValidateSecretAccessCheckoutRequired", "message": "The requested Secret requires check out."}
TAKEN = {"errorCode": "API_ValidateSecretAccessCheckedOutByAnotherUser",
         "message": "The requested Secret is checked out by another user."}


def windows_secret(api, folder_id, name="srv01 admin", **options):
    stub = api.ok("GET", f"/api/v1/secrets/stub?secretTemplateId=6003&folderId={folder_id}")
    values = {"machine": "srv01", "username": "administrator", "password": "W1n-Secret!", "notes": ""}
    for item in stub["items"]:
        item["itemValue"] = values[item["slug"]]
    return api.ok("POST", "/api/v1/secrets", json={**stub, "name": name, "folderId": folder_id, **options})


@pytest.fixture
def folder(app):
    """A folder where alice and bob may view secrets (View on the folder, inherited by its secrets)."""
    made = make_folder(app, "Servers")
    for user_id in (5, 6):
        app.ok("POST", "/api/v1/folder-permissions", json={"folderId": made["id"], "userId": user_id,
                                                           "folderAccessRoleName": "View",
                                                           "secretAccessRoleName": "View"})
    return made


def test_templates_mark_sensitive_fields(app):
    ssh = app.ok("GET", "/api/v1/secret-templates/6100")
    sensitive = {f["fieldSlugName"] for f in ssh["fields"] if f["isPassword"]}
    assert sensitive == {"private-key", "private-key-passphrase"}
    windows = {f["fieldSlugName"]: f for f in app.ok("GET", "/api/v1/secret-templates/6003")["fields"]}
    assert windows["password"]["isPassword"] and windows["machine"]["isRequired"]
    names = [t["name"] for t in app.ok("GET", "/api/v1/secret-templates?take=50")["records"]]
    assert names == sorted(names) and {"Web Password", "Windows Account", "Active Directory Account",
                                       "MySQL Account", "Unix Account (SSH Key)"} == set(names)


def test_required_template_fields(app, folder):
    stub = app.ok("GET", f"/api/v1/secrets/stub?secretTemplateId=6003&folderId={folder['id']}")
    response = app.post("/api/v1/secrets", json={**stub, "name": "empty", "folderId": folder["id"]})
    assert response.status_code == 400
    assert response.json()["modelState"]["items"] == ["The Machine field is required.",
                                                      "The Username field is required.",
                                                      "The Password field is required."]


def test_a_comment_is_needed_to_view_even_for_the_owner(app, as_user, folder):
    secret = windows_secret(app, folder["id"], requiresComment=True)
    sid = secret["id"]
    assert secret["requiresComment"] is True
    for api in (app, as_user("alice")):
        assert (api.get(f"/api/v1/secrets/{sid}").status_code, api.get(f"/api/v1/secrets/{sid}").json()) == (
            400, COMMENT)
        assert api.get(f"/api/v1/secrets/{sid}/fields/password").json() == COMMENT
        assert api.ok("GET", f"/api/v1/secrets/{sid}/state")["secretState"] == "RequiresComment"
        assert api.post(f"/api/v1/secrets/{sid}/restricted", json={"comment": "  "}).json() == COMMENT
        read = api.ok("POST", f"/api/v1/secrets/{sid}/restricted", json={"comment": "ticket 42"})
        assert {i["slug"]: i["itemValue"] for i in read["items"]}["password"] == "W1n-Secret!"
        assert api.ok("POST", f"/api/v1/secrets/{sid}/restricted/fields/PASSWORD",
                      json={"Comment": "ticket 42"}) == "W1n-Secret!"
    hidden = app.ok("GET", f"/api/v1/secrets?filter.folderId={folder['id']}")
    assert hidden["total"] == 0
    shown = app.ok("GET", f"/api/v1/secrets?filter.folderId={folder['id']}&filter.includeRestricted=true")
    assert [(s["isRestricted"], s["requiresComment"]) for s in shown["records"]] == [(True, True)]


def test_updates_of_a_comment_secret_carry_the_comment(app, folder):
    sid = windows_secret(app, folder["id"], requiresComment=True)["id"]
    body = {"id": sid, "name": "renamed", "items": [{"slug": "password", "itemValue": "N3w-Secret!"}]}
    assert app.put(f"/api/v1/secrets/{sid}", json=body).json() == COMMENT
    assert app.ok("PUT", f"/api/v1/secrets/{sid}", json={**body, "comment": "rotation"})["name"] == "renamed"
    assert app.put(f"/api/v1/secrets/{sid}/fields/password", json={"value": "x"}).json() == COMMENT


def test_only_owners_change_the_security_options(app, as_user, folder):
    sid = windows_secret(app, folder["id"])["id"]
    app.ok("POST", "/api/v1/secret-permissions", json={"secretId": sid, "userId": 6, "secretAccessRoleName": "Edit"})
    bob = as_user("bob")
    base = {"id": sid, "name": "srv01 admin"}
    assert bob.put(f"/api/v1/secrets/{sid}", json={**base, "requiresComment": True}).json() == DENIED
    assert bob.put(f"/api/v1/secrets/{sid}", json={**base, "checkOutEnabled": True}).json() == DENIED
    assert bob.ok("PUT", f"/api/v1/secrets/{sid}", json={**base, "requiresComment": False})["name"] == "srv01 admin"
    bad = app.put(f"/api/v1/secrets/{sid}", json={**base, "checkOutIntervalMinutes": 0})
    assert list(bad.json()["modelState"]) == ["checkOutIntervalMinutes"]


def test_check_out_on_view_blocks_others_until_it_expires(emulator, app, as_user, folder):
    secret = windows_secret(app, folder["id"], checkOutEnabled=True, checkOutIntervalMinutes=15)
    sid = secret["id"]
    assert (secret["checkOutEnabled"], secret["checkedOut"], secret["checkOutIntervalMinutes"]) == (True, False, 15)
    alice, bob = as_user("alice"), as_user("bob")
    assert bob.ok("GET", f"/api/v1/secrets/{sid}/state")["secretState"] == "RequiresCheckout"
    assert alice.get(f"/api/v1/secrets/{sid}?noAutoCheckout=true").json() == CHECKOUT
    held = alice.ok("GET", f"/api/v1/secrets/{sid}")
    assert (held["checkedOut"], held["checkOutUserId"], held["checkOutUserDisplayName"],
            held["checkOutMinutesRemaining"]) == (True, 5, "Alice Archer", 15)
    assert alice.ok("GET", f"/api/v1/secrets/{sid}?noAutoCheckout=true")["checkedOut"] is True
    assert alice.ok("GET", f"/api/v1/secrets/{sid}/state")["secretState"] == "None"
    assert bob.get(f"/api/v1/secrets/{sid}").json() == TAKEN
    assert bob.get(f"/api/v1/secrets/{sid}/fields/password").json() == TAKEN
    assert bob.get(f"/api/v1/secrets/{sid}?forceCheckIn=true").json() == TAKEN  # only owners may force
    listed = app.ok("GET", f"/api/v1/secrets?filter.folderId={folder['id']}")["records"][0]
    assert (listed["checkedOut"], listed["checkOutUserName"]) == (True, "alice")
    emulator.advance_clock(16 * 60)
    assert bob.ok("GET", f"/api/v1/secrets/{sid}")["checkOutUserId"] == 6
    assert alice.get(f"/api/v1/secrets/{sid}").json() == TAKEN


def test_check_in_and_forced_check_in(app, as_user, folder):
    sid = windows_secret(app, folder["id"], checkOutEnabled=True)["id"]
    alice, bob = as_user("alice"), as_user("bob")
    assert alice.ok("GET", f"/api/v1/secrets/{sid}")["checkOutIntervalMinutes"] == 30
    assert bob.post(f"/api/v1/secrets/{sid}/check-in").json() == TAKEN
    released = alice.ok("POST", f"/api/v1/secrets/{sid}/check-in")
    assert (released["id"], released["checkedOut"]) == (sid, False)
    assert bob.ok("GET", f"/api/v1/secrets/{sid}")["checkOutUserId"] == 6
    taken = app.ok("GET", f"/api/v1/secrets/{sid}?forceCheckIn=true")  # the owner breaks bob's check-out
    assert taken["checkOutUserId"] == 3
    once = alice.get(f"/api/v1/secrets/{sid}")
    assert once.json() == TAKEN
    app.ok("POST", f"/api/v1/secrets/{sid}/check-in")
    read = alice.ok("GET", f"/api/v1/secrets/{sid}?autoCheckIn=true")
    assert read["items"] and bob.ok("GET", f"/api/v1/secrets/{sid}/state")["secretState"] == "RequiresCheckout"
    assert app.ok("GET", f"/api/v1/secrets/{sid}?noAutoCheckout=false")["checkOutUserId"] == 3


def test_turning_check_out_off_releases_it(app, as_user, folder):
    sid = windows_secret(app, folder["id"], checkOutEnabled=True)["id"]
    as_user("alice").ok("GET", f"/api/v1/secrets/{sid}")
    off = app.ok("PUT", f"/api/v1/secrets/{sid}?forceCheckIn=true",
                 json={"id": sid, "name": "srv01 admin", "checkOutEnabled": False})
    assert (off["checkOutEnabled"], off["checkedOut"]) == (False, False)
    assert as_user("bob").ok("GET", f"/api/v1/secrets/{sid}")["checkedOut"] is False


def test_check_out_and_comment_together(app, as_user, folder):
    sid = windows_secret(app, folder["id"], checkOutEnabled=True, requiresComment=True)["id"]
    alice = as_user("alice")
    assert alice.ok("GET", f"/api/v1/secrets/{sid}/state")["secretState"] == "RequiresCheckoutAndComment"
    assert alice.get(f"/api/v1/secrets/{sid}").json() == COMMENT
    read = alice.ok("POST", f"/api/v1/secrets/{sid}/restricted", json={"comment": "maintenance"})
    assert read["checkedOut"] is True and read["checkOutUserId"] == 5
    assert alice.ok("GET", f"/api/v1/secrets/{sid}/state")["secretState"] == "RequiresComment"
    assert alice.post(f"/api/v1/secrets/{sid}/restricted",
                      json={"comment": "again", "noAutoCheckout": True}).status_code == 200


def test_approval_comes_before_the_comment(app, as_user, folder):
    sid = windows_secret(app, folder["id"], requiresComment=True)["id"]
    app.ok("PUT", f"/api/v1/secrets/{sid}/security-approval", json=approval_body("RequireApproval", (102,)))
    alice = as_user("alice")
    blocked = alice.post(f"/api/v1/secrets/{sid}/restricted", json={"comment": "please"})
    assert blocked.json()["errorCode"] == "API_ValidateSecretAccessApprovalRequired"
    assert alice.ok("GET", f"/api/v1/secrets/{sid}/state")["secretState"] == "RequiresApproval"
    model = app.ok("PUT", f"/api/v1/secrets/{sid}/security-approval", json=approval_body("None", ()))["model"]
    assert model["requiresComment"] is True and model["checkOutEnabled"] is False


def test_unknown_secret_and_field_on_the_restricted_calls(app, folder):
    sid = windows_secret(app, folder["id"])["id"]
    assert app.post("/api/v1/secrets/9999/restricted", json={"comment": "x"}).json() == DENIED
    assert app.post(f"/api/v1/secrets/{sid}/restricted/fields/nope", json={}).json()["errorCode"] == "API_FieldNotFound"
    assert app.post("/api/v1/secrets/9999/check-in").json() == DENIED


def test_view_comment_lets_the_same_token_read(app, as_user, folder):
    sid = windows_secret(app, folder["id"], requiresComment=True)["id"]
    alice = as_user("alice")
    path = f"/api/v1/secret-access-requests/secrets/{sid}/view-comment"
    assert list(alice.post(path, json={"comment": " "}).json()["modelState"]) == ["comment"]
    assert alice.ok("POST", path, json={"comment": "incident 7", "ticketNumber": "INC7"}) is True
    assert alice.ok("GET", f"/api/v1/secrets/{sid}/fields/password") == "W1n-Secret!"
    assert as_user("alice").get(f"/api/v1/secrets/{sid}").json() == COMMENT  # a new token needs a new comment
    assert as_user("bob").get(f"/api/v1/secrets/{sid}").json() == COMMENT
    assert as_user("carol").post(path, json={"comment": "x"}).json() == DENIED


def test_access_options_reflect_comment_and_check_out(app, folder):
    sid = windows_secret(app, folder["id"], requiresComment=True, checkOutEnabled=True,
                         checkOutIntervalMinutes=90)["id"]
    options = app.ok("GET", f"/api/v1/secret-access-requests/secrets/{sid}/options")
    assert (options["requireCheckout"], options["requireCommentTicketNumber"], options["isDefaultCheckoutInterval"],
            options["customCheckoutIntervalHours"], options["customCheckoutIntervalMinutes"]) == (True, True, False, 1, 30)
    plain = windows_secret(app, folder["id"], name="plain")["id"]
    options = app.ok("GET", f"/api/v1/secret-access-requests/secrets/{plain}/options")
    assert (options["requireCheckout"], options["requireCommentTicketNumber"], options["isDefaultCheckoutInterval"]) == (
        False, False, True)
