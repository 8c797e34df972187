"""The pure mappings between Secret Server users/groups and SCIM resources."""
from datetime import UTC, datetime

import pytest

from connector.secretserver import Group, UserSummary
from scim.mapping import (
    BadMemberValue,
    derived_display_name,
    group_from_scim,
    group_to_scim,
    is_directory_object,
    user_from_scim,
    user_to_scim,
    weak_etag,
)

CREATED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


def ss_user(**kw):
    values = dict(id=7, user_name="ada", display_name="Ada Lovelace", email_address="ada@corp.local", enabled=True,
                  created=CREATED)
    values.update(kw)
    return UserSummary(**values)


def test_user_to_scim_maps_the_secret_server_fields():
    payload = user_to_scim(ss_user())
    assert payload["id"] == "7" and payload["userName"] == "ada" and payload["displayName"] == "Ada Lovelace"
    assert payload["active"] is True
    assert payload["emails"] == [{"value": "ada@corp.local", "type": "work", "primary": True}]
    assert payload["meta"]["resourceType"] == "User" and payload["meta"]["created"] == "2026-01-02T03:04:05Z"
    assert payload["meta"]["version"].startswith('W/"')
    assert "password" not in payload


def test_disabled_user_is_active_false():
    assert user_to_scim(ss_user(enabled=False))["active"] is False


def test_extras_are_merged_but_secret_server_wins_for_the_email_it_holds():
    extra = {"externalId": "okta-1", "name": {"givenName": "Ada"},
             "emails": [{"value": "old@corp.local", "type": "work", "primary": True},
                        {"value": "ada@home.example", "type": "home"}],
             "userName": "ignored", "active": False}
    payload = user_to_scim(ss_user(), extra)
    assert payload["externalId"] == "okta-1" and payload["name"] == {"givenName": "Ada"}
    assert payload["emails"][0]["value"] == "ada@corp.local"  # changed in Secret Server: Secret Server wins
    assert payload["emails"][1]["value"] == "ada@home.example"
    assert payload["userName"] == "ada" and payload["active"] is True  # mapped fields never come from extras


def test_email_removed_in_secret_server_drops_the_primary_email_only():
    extra = {"emails": [{"value": "a@corp.local", "primary": True}, {"value": "h@x.example", "type": "home"}]}
    assert user_to_scim(ss_user(email_address=""), extra)["emails"] == [{"value": "h@x.example", "type": "home"}]


def test_enterprise_extension_adds_its_schema():
    urn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
    payload = user_to_scim(ss_user(), {urn: {"department": "R&D"}})
    assert payload["schemas"] == ["urn:ietf:params:scim:schemas:core:2.0:User", urn]


def test_etag_changes_with_any_visible_field():
    assert user_to_scim(ss_user())["meta"]["version"] != user_to_scim(ss_user(display_name="X"))["meta"]["version"]
    assert weak_etag({"a": 1, "meta": {"x": 1}}) == weak_etag({"a": 1, "meta": {"x": 2}})


def test_user_from_scim_splits_secret_server_fields_and_extras():
    write = user_from_scim({
        "userName": " bob@corp.local ", "name": {"givenName": "Bob", "familyName": "Builder"},
        "emails": [{"value": "home@x.example", "type": "home"}, {"value": "bob@corp.local", "type": "work"}],
        "active": False, "externalId": "e-9", "phoneNumbers": [{"value": "+1 555", "type": "work"}],
        "id": "99", "meta": {"resourceType": "User"}}, password="Secr3t!-Passw0rd")
    assert write.user_name == "bob@corp.local" and write.display_name == "Bob Builder"
    assert write.email_address == "bob@corp.local" and write.enabled is False and write.external_id == "e-9"
    assert set(write.extra) == {"name", "emails", "externalId", "phoneNumbers", "_unset"}
    assert write.extra["_unset"] == ["displayName"]  # derived for Secret Server, not shown as sent
    assert "Secr3t" not in repr(write)


def test_primary_email_wins_over_work():
    write = user_from_scim({"userName": "x", "emails": [{"value": "w@x.example", "type": "work"},
                                                        {"value": "p@x.example", "type": "home", "primary": True}]})
    assert write.email_address == "p@x.example"


def test_missing_active_and_display_name_are_unset_not_false():
    write = user_from_scim({"userName": "x"})
    assert write.enabled is None and write.extra["_unset"] == ["displayName", "active"]
    shown = user_to_scim(ss_user(), write.extra)
    assert "displayName" not in shown and "active" not in shown and "_unset" not in shown


@pytest.mark.parametrize("payload, expected", [
    ({"displayName": " Shown "}, "Shown"),
    ({"name": {"formatted": "Dr. A B"}}, "Dr. A B"),
    ({"name": {"givenName": "A", "familyName": "B"}}, "A B"),
    ({"userName": "only"}, "only"),
])
def test_display_name_derivation(payload, expected):
    assert derived_display_name(payload) == expected


def test_directory_objects():
    assert not is_directory_object(None) and not is_directory_object(-1)
    assert is_directory_object(1)


def test_group_round_trip_keeps_member_display_and_extras():
    write = group_from_scim({"displayName": "Team", "externalId": "g-1",
                             "members": [{"value": "5", "display": "Five"}, {"value": "6"}, {"value": "5"}]})
    assert write.name == "Team" and write.member_ids == (5, 6) and write.external_id == "g-1"
    members = [ss_user(id=6, display_name="Six"), ss_user(id=5, display_name="Ada")]
    payload = group_to_scim(Group(id=3, name="Team", enabled=True), members, write.extra)
    assert [m["value"] for m in payload["members"]] == ["5", "6"]
    assert [m["display"] for m in payload["members"]] == ["Five", "Six"]
    assert payload["members"][0]["$ref"] == "Users/5" and payload["externalId"] == "g-1"
    assert "_memberDisplay" not in payload


def test_group_without_loaded_members_has_no_members_attribute():
    assert "members" not in group_to_scim(Group(id=3, name="T", enabled=True), None)


def test_group_member_value_must_be_a_user_id():
    with pytest.raises(BadMemberValue):
        group_from_scim({"displayName": "T", "members": [{"value": "abc"}]})
