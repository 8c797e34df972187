"""Parsing of every type: case-insensitive keys, alternative shapes, dates, redacted reprs."""
from datetime import datetime, timedelta, timezone

import pytest

from connector.secretserver import types as T

UTC = timezone.utc


@pytest.mark.parametrize("text,expected", [
    ("2024-01-31T12:00:00.123", datetime(2024, 1, 31, 12, 0, 0, 123000, UTC)),
    ("2024-01-31T12:00:00", datetime(2024, 1, 31, 12, 0, 0, tzinfo=UTC)),
    ("2024-01-31T12:00:00Z", datetime(2024, 1, 31, 12, 0, 0, tzinfo=UTC)),
    ("2024-01-31T12:00:00.1234567Z", datetime(2024, 1, 31, 12, 0, 0, 123456, UTC)),
    ("2024-01-31T14:00:00+02:00", datetime(2024, 1, 31, 12, 0, 0, tzinfo=UTC)),
    ("2024-01-31T07:00:00.5-0500", datetime(2024, 1, 31, 12, 0, 0, 500000, UTC)),
    ("2024-01-31 12:00", datetime(2024, 1, 31, 12, 0, 0, tzinfo=UTC)),
    (None, None), ("", None), ("not a date", None), (12, None),
])
def test_parse_datetime(text, expected):
    got = T.parse_datetime(text)
    assert got == expected
    if got is not None:
        assert got.tzinfo is not None and got.utcoffset() == timedelta(0)


def test_format_datetime_is_utc_z():
    assert T.format_datetime(datetime(2024, 1, 31, 14, 0, tzinfo=timezone(timedelta(hours=2)))) == "2024-01-31T12:00:00Z"
    assert T.format_datetime(datetime(2024, 1, 31, 12, 0)) == "2024-01-31T12:00:00Z"


def test_token_grant_hides_tokens():
    g = T.TokenGrant.from_json({"access_token": "AT-SECRET", "token_type": "bearer", "expires_in": 1199,
                                "refresh_token": "RT-SECRET"})
    assert g.expires_in == 1199 and g.expires_at > g.obtained_at
    assert "AT-SECRET" not in repr(g) and "RT-SECRET" not in repr(g)
    with pytest.raises(ValueError):
        T.TokenGrant.from_json({"token_type": "bearer"})


@pytest.mark.parametrize("body,healthy", [
    ({"Healthy": True, "healthy": True, "databaseHealthy": True}, True),
    ({"Healthy": False}, False),
    ({"healthy": True}, True),
])
def test_health_either_key(body, healthy):
    h = T.Health.from_json(body)
    assert h.healthy is healthy


def test_current_user_permissions_and_helper():
    u = T.CurrentUser.from_json({"Id": 3, "UserName": "admin", "displayName": "Admin", "emailAddress": "a@x",
                                 "permissions": [{"name": "Administer Role Permissions"}, {"Name": "View Users"},
                                                 "Add Secret"]})
    assert u.id == 3 and u.user_name == "admin"
    assert u.permissions == ("Administer Role Permissions", "View Users", "Add Secret")
    assert u.has_permission("administer role permissions") and not u.has_permission("Create Root Folders")


def test_user_and_summary():
    u = T.User.from_json({"id": 7, "userName": "dave", "displayName": "Dave", "enabled": False,
                          "isApplicationAccount": True, "isLockedOut": True, "personalGroupId": 107,
                          "lastLogin": "2024-01-31T12:00:00.123", "created": None})
    assert (u.enabled, u.is_application_account, u.is_locked_out, u.personal_group_id) == (False, True, True, 107)
    assert u.last_login == datetime(2024, 1, 31, 12, 0, 0, 123000, UTC) and u.created is None
    s = T.UserSummary.from_json({"id": 7, "userName": "dave", "domainName": "local"})
    assert s.enabled is True and s.domain_name == "local"


def test_group_and_membership():
    g = T.Group.from_json({"id": 4, "name": "SCIM Auditors", "enabled": True, "memberCount": 1})
    assert g.name == "SCIM Auditors" and g.member_count == 1
    m = T.GroupMembership.from_json({"groupId": 4, "groupName": "SCIM Auditors", "userId": 9, "userName": "carol"})
    assert (m.group_id, m.user_id, m.user_name) == (4, 9, "carol")


def test_folder_root_parent_null_or_minus_one():
    assert T.Folder.from_json({"id": 1, "folderName": "SCIM h", "parentFolderId": None}).parent_folder_id == -1
    f = T.Folder.from_json({"id": 2, "folderName": "c", "parentFolderId": 1,
                            "childFolders": [{"id": 3, "folderName": "g", "parentFolderId": 2}]})
    assert not f.is_root and f.child_folders[0].id == 3
    assert T.Folder.from_json({"id": 1, "folderName": "r", "parentFolderId": -1}).is_root


def test_folder_permission():
    p = T.FolderPermission.from_json({"id": 11, "folderId": 1, "groupId": 2, "userId": None,
                                      "folderAccessRoleName": "Owner", "secretAccessRoleName": "Owner"})
    assert p.group_id == 2 and p.user_id is None and p.folder_access_role_name == "Owner"


SECRET_JSON = {
    "id": 5, "name": "SCIMSecret h", "folderId": 1, "secretTemplateId": 9, "secretTemplateName": "Web Password",
    "active": True, "requiresApprovalForAccess": True,
    "items": [
        {"itemId": 1, "fieldId": 38, "fieldName": "URL", "slug": "url", "itemValue": "https://ss", "isPassword": False,
         "fileAttachmentId": None},
        {"itemId": 2, "fieldId": 40, "fieldName": "Password", "slug": "password", "itemValue": "Canary-Pw-123",
         "isPassword": True, "fileAttachmentId": None},
        {"itemId": 3, "fieldId": 41, "fieldName": "Notes", "slug": "notes",
         "itemValue": '{"tokenValue":"Canary-Token-456"}', "isNotes": True},
    ],
}


def test_secret_items_helpers_and_redacted_repr():
    s = T.Secret.from_json(SECRET_JSON)
    assert s.field("password") == "Canary-Pw-123" and s.field("URL") == "https://ss" and s.field("nope") is None
    assert s.item("password").is_password and s.requires_approval_for_access
    text = repr(s) + str(s) + repr(s.items) + repr(s.item("password"))
    assert "Canary-Pw-123" not in text and "Canary-Token-456" not in text
    s2 = s.with_values(name="New", password="P2")
    assert s2.field("password") == "P2" and s2.name == "New" and s.field("password") == "Canary-Pw-123"
    with pytest.raises(KeyError):
        s.with_values(bogus="x")
    body = s2.to_json()
    assert body["secretTemplateId"] == 9 and body["items"][1]["itemValue"] == "P2"
    assert all("fileAttachmentId" in i for i in body["items"])


def test_secret_summary_and_state():
    s = T.SecretSummary.from_json({"id": 5, "name": "x", "folderId": 1, "isRestricted": True,
                                   "requiresApproval": True, "lastAccessed": "2024-01-31T12:00:00Z"})
    assert s.is_restricted and s.requires_approval and s.last_accessed.year == 2024
    st = T.SecretState.from_json({"id": 5, "secretState": "RequiresApproval", "approvalEnd": None})
    assert st.requires_approval and not st.accessible
    ok = T.SecretState.from_json({"id": 5, "secretState": "None", "approvalEnd": "2024-02-02T00:00:00"})
    assert ok.accessible and ok.approval_end == datetime(2024, 2, 2, tzinfo=UTC)


def test_template_fields_use_template_key_names():
    t = T.SecretTemplate.from_json({"id": 9, "name": "Web Password", "fields": [
        {"secretTemplateFieldId": 40, "fieldSlugName": "password", "name": "Password", "isPassword": True,
         "isRequired": True}]})
    f = t.field_by_slug("PASSWORD")
    assert f.id == 40 and f.slug == "password" and f.is_password and f.is_required


def test_secret_permission():
    p = T.SecretPermission.from_json({"id": 1, "secretId": 5, "userId": 2, "secretAccessRoleName": "Owner"})
    assert p.secret_access_role_name == "Owner" and p.group_id is None


def test_access_request_exact_names_and_window():
    r = T.AccessRequest.from_json({
        "secretAccessRequestId": 12, "secretId": 5, "requestingUserId": 4, "requestUsername": "alice",
        "status": "Approved", "approverDisplayName": "Admin", "responseComment": "ok",
        "requestDate": "2024-01-31T12:00:00.123", "responseDate": "2024-01-31T12:05:00",
        "startDate": "2024-01-31T12:00:00Z", "expirationDate": "2024-02-02T12:00:00+00:00"})
    assert (r.id, r.request_username, r.requesting_user_id, r.approver_display_name) == (12, "alice", 4, "Admin")
    for d in (r.request_date, r.response_date, r.start_date, r.expiration_date):
        assert d.tzinfo is not None
    assert r.grants_access_at(datetime(2024, 2, 1, tzinfo=UTC))
    assert not r.grants_access_at(datetime(2024, 2, 3, tzinfo=UTC))
    pending = T.AccessRequest.from_json({"secretAccessRequestId": 1, "secretId": 5, "status": "Pending"})
    assert pending.is_pending and not pending.grants_access_at(datetime(2024, 2, 1, tzinfo=UTC))


def test_access_request_options_and_approval_settings():
    o = T.AccessRequestOptions.from_json({"enableRequiresApprovalForAccess": True, "editorsAlsoRequireApproval": True})
    assert o.enable_requires_approval_for_access and o.editors_also_require_approval
    a = T.ApprovalSettings.from_json({"success": True, "model": {"requireApprovalType": "RequireEditorsApproval",
                                                                 "approvers": [{"groupId": 12, "isGroup": False}]}})
    assert a.require_approval_type == "RequireEditorsApproval" and a.approver_group_ids == (12,)
    b = T.ApprovalSettings.from_json({"data": {"requireApprovalType": {"dirty": True, "value": "RequireApproval"},
                                               "approvers": {"dirty": True, "value": [3, 4]}}})
    assert b.approver_group_ids == (3, 4)


def test_deleted():
    assert T.Deleted.from_json({"id": 5, "objectType": "Secret", "responseCodes": []}).id == 5
    assert T.Deleted.from_json(True).id is None


def test_types_are_frozen():
    s = T.Secret.from_json(SECRET_JSON)
    with pytest.raises(Exception):
        s.name = "x"
