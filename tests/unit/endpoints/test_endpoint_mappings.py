"""Permission mapping rules (product.md, "Endpoints" → Advanced)."""
import pytest

from connector.services.endpoints import DEFAULT_ROLE, endpoint_mappings_clean


def test_several_values_may_map_to_one_role():
    cleaned, errors = endpoint_mappings_clean([
        {"type": "Container", "value": " admin ", "role": "Owner"},
        {"type": "Container", "value": "ops", "role": "Owner"},
        {"type": "PrivilegedData", "value": "admin", "role": "View"},
        {"type": "Container", "value": "writers", "role": "Add Secret"},
    ])
    assert errors == []
    assert cleaned[0] == {"type": "Container", "value": "admin", "role": "Owner"}
    assert len(cleaned) == 4


@pytest.mark.parametrize("mapping, fragment", [
    ({"type": "Folder", "value": "admin", "role": "View"}, "type must be Container or PrivilegedData"),
    ({"type": "Container", "value": "  ", "role": "View"}, "enter the endpoint value"),
    ({"type": "Container", "value": "admin", "role": "Approver"}, "role for Container"),
    ({"type": "PrivilegedData", "value": "admin", "role": "Add Secret"}, "role for PrivilegedData"),
    ("admin=View", "expected type, value and role"),
])
def test_invalid_mappings_are_explained(mapping, fragment):
    _, errors = endpoint_mappings_clean([mapping])
    assert len(errors) == 1 and fragment in errors[0] and errors[0].startswith("Mapping 1:")


def test_a_value_maps_once_per_type_case_insensitively():
    _, errors = endpoint_mappings_clean([{"type": "Container", "value": "Admin", "role": "View"},
                                         {"type": "Container", "value": "admin", "role": "Edit"}])
    assert errors and "already mapped" in errors[0]


def test_unmapped_values_default_to_view():
    assert DEFAULT_ROLE == "View"
    assert endpoint_mappings_clean(None) == ([], [])
    assert endpoint_mappings_clean("nope")[1] == ["Permission mappings must be a list."]
