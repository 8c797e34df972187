"""Filter hints, PATCH dialect normalisation, generated passwords, bearer parsing."""
import json
import string

import pytest
from scim2_models import Context, SearchRequest
from scim2_server.utils import parametrize

from scim.dialects import bulk_body_normalise, patch_body_normalise
from scim.provider import _discovered
from scim.services.auth import _power_of_ten, bearer_token
from scim.services.hints import Hint, filter_hints
from scim.services.passwords import SYMBOLS, password_generate
from scim.services.users import TEXT_ATTRS


def hints(text):
    provider = _discovered()
    with provider:
        request = parametrize(SearchRequest, provider.model_for("User")).model_validate(
            {"filter": text}, scim_ctx=Context.SEARCH_REQUEST)
    return filter_hints(request.filter.ast, TEXT_ATTRS)


@pytest.mark.parametrize("text, expected", [
    ('userName eq "Bob"', (Hint("text", "Bob"),)),
    ('emails[type eq "work"].value eq "b@x.local"', (Hint("text", "b@x.local"),)),
    ('emails.value eq "b@x.local"', (Hint("text", "b@x.local"),)),
    ('displayName eq "B B"', (Hint("text", "B B"),)),
    ('externalId eq "e1" and active eq true', (Hint("external", "e1"),)),
    ('userName eq "a" and id eq "4"', (Hint("id", "4"),)),
    ('userName eq "a" or userName eq "b"', (Hint("text", "a"), Hint("text", "b"))),
    ('userName eq "a" or active eq false', None),
    ('userName sw "a"', None),
    ('not (userName eq "a")', None),
    ('active eq false', None),
    ('userName pr', None),
])
def test_filter_hints(text, expected):
    assert hints(text) == expected


def test_patch_nulls_inside_values_are_dropped():
    body = json.dumps({"schemas": ["x"], "Operations": [
        {"op": "Remove", "path": "members", "value": [{"$ref": None, "value": "13"}]},
        {"op": "replace", "path": "title", "value": None}]}).encode()
    document = json.loads(patch_body_normalise(body))
    assert document["Operations"][0]["value"] == [{"value": "13"}]
    assert document["Operations"][1]["value"] is None  # a null value itself is the library's to judge


def test_non_json_patch_bodies_are_left_to_the_library():
    assert patch_body_normalise(b"not json") == b"not json"
    assert bulk_body_normalise(b"[1]") == b"[1]"


def test_bulk_patch_operations_are_normalised_too():
    body = json.dumps({"Operations": [{"method": "PATCH", "path": "/Groups/1", "data": {
        "Operations": [{"op": "add", "path": "members", "value": [{"$ref": None, "value": "1"}]}]}}]}).encode()
    document = json.loads(bulk_body_normalise(body))
    assert document["Operations"][0]["data"]["Operations"][0]["value"] == [{"value": "1"}]


def test_generated_password_has_every_character_class():
    for _ in range(50):
        value = password_generate()
        assert len(value) == 32
        for cls in (string.ascii_uppercase, string.ascii_lowercase, string.digits, SYMBOLS):
            assert any(c in cls for c in value)
    assert password_generate() != password_generate()


@pytest.mark.parametrize("header, token", [
    ("Bearer abc", "abc"), ("bearer  abc ", "abc"), ("Basic abc", None), ("Bearer", None), (None, None), ("", None)])
def test_bearer_token(header, token):
    assert bearer_token(header) == token


def test_audit_aggregation_points():
    assert [n for n in range(1, 1001) if _power_of_ten(n)] == [1, 10, 100, 1000]


def test_validation_details_lose_the_library_internals():
    from scim.service import clean_detail

    raw = ("1 validation error for User[EnterpriseUser]\nactive\n  Input should be a valid boolean, unable to "
           "interpret input [type=bool_parsing]\n    For further information visit https://errors.pydantic.dev/2.14/v/x")
    assert clean_detail(raw) == "active: Input should be a valid boolean, unable to interpret input"
    assert clean_detail("Attribute 'userName' is immutable") == "Attribute 'userName' is immutable"
