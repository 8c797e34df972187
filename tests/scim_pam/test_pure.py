"""Pure PAM helpers: rights → roles, roles → rights, the connector's hidden folders, filter rewriting."""
from __future__ import annotations

from types import SimpleNamespace

from scim2_models import ScimProvider, SearchRequest

from scim.pam.common import (
    filter_equalities,
    hidden_folder_ids,
    rights_for_role,
    role_for_rights,
    search_request_normalise,
    secret_role_for_rights,
)
from scim.pam.schemas import RESOURCE_TYPES, SCHEMAS

MAPPINGS = {"admin": "Owner", "editor": "Edit", "lister": "List", "adder": "Add Secret"}


def test_role_for_rights_takes_the_strongest_and_reports_unmapped():
    assert role_for_rights(["Admin"], MAPPINGS) == ("Owner", [])
    assert role_for_rights(["editor", "admin"], MAPPINGS) == ("Owner", [])
    assert role_for_rights(["lister"], MAPPINGS) == ("View", [])  # no List role on folders
    assert role_for_rights(["nope"], MAPPINGS) == ("View", ["nope"])
    assert role_for_rights(["nope", "adder"], MAPPINGS) == ("Add Secret", ["nope"])
    assert role_for_rights([], MAPPINGS) == ("View", [])


def test_rights_for_role_shows_what_was_sent_while_it_still_holds():
    assert rights_for_role("Owner", MAPPINGS, ["admin"]) == ["admin"]
    assert rights_for_role("Edit", MAPPINGS, ["admin"]) == ["editor"]  # changed in Secret Server since
    assert rights_for_role("View", MAPPINGS, None) == ["lister"]
    assert rights_for_role("Owner", {}, None) == ["Owner"]


def test_secret_role_follows_the_folder_role_without_privileged_data_mappings():
    assert secret_role_for_rights(["admin"], {}, "Owner") == ("Owner", [])
    assert secret_role_for_rights(["x"], {}, "Add Secret") == ("List", [])
    assert secret_role_for_rights(["admin", "x"], {"admin": "Edit"}, "Owner") == ("Edit", ["x"])
    assert secret_role_for_rights(["x"], {"admin": "Edit"}, "Owner") == ("View", ["x"])


def test_hidden_folders_are_the_connectors_and_everything_below():
    folders = [SimpleNamespace(id=i, parent_folder_id=p) for i, p in ((1, -1), (2, 1), (3, 2), (4, -1), (5, 4))]
    assert hidden_folder_ids(folders, 1) == {1, 2, 3}
    assert hidden_folder_ids(folders, None) == set()


def test_a_complex_attribute_without_sub_attribute_means_value():
    provider = ScimProvider.from_discovery(SCHEMAS, RESOURCE_TYPES)
    model = provider.model_for(RESOURCE_TYPES[0])
    request = SearchRequest[model].model_validate({"filter": 'name eq "a" and parent eq 5'})
    rewritten = search_request_normalise(request, model)
    assert str(rewritten.filter) == 'name eq "a" and parent.value eq "5"'
    assert filter_equalities(rewritten.filter, {"parent.value", "name"}) == {"name": "a", "parent.value": "5"}
    plain = SearchRequest[model].model_validate({"filter": 'name eq "a"'})
    assert search_request_normalise(plain, model) is plain
