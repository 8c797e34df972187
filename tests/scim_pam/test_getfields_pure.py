"""PAM vendor routes, pure rules: which names GetFields was asked for, which items they select, and which
template field a sent item names."""
from __future__ import annotations

from types import SimpleNamespace

import pytest
from scim2_models import InvalidValueException, NotFoundException

from scim.pam.vendor import _fields_asked, _item_named, _items_asked


def _item(slug, field_name):
    return SimpleNamespace(slug=slug, field_name=field_name)


SECRET = SimpleNamespace(items=[_item("username", "Username"), _item("password", "Password"),
                                _item("notes", "Notes")])


def test_slug_wins_over_field_name_and_blanks_are_ignored():
    assert _fields_asked({"slug": " UserName , ,Notes", "fieldname": "Password"}) == {"username", "notes"}
    assert _fields_asked({"fieldname": "Password"}) == {"password"}
    assert _fields_asked({}) == set()
    assert _fields_asked({"slug": " , "}) == set()


def test_nothing_asked_selects_every_item():
    assert _items_asked(SECRET, set()) == SECRET.items


def test_items_match_by_slug_or_field_name_case_insensitively():
    secret = SimpleNamespace(items=[_item("user-name", "Login"), _item("notes", "Notes")])
    assert _items_asked(secret, {"login"}) == [secret.items[0]]
    assert _items_asked(secret, {"user-name", "notes"}) == secret.items


def test_asking_only_for_unknown_fields_is_a_404_naming_them_sorted():
    with pytest.raises(NotFoundException) as caught:
        _items_asked(SECRET, {"zeta", "alpha"})
    assert caught.value.detail == "'alpha, zeta' is not a field of this secret's template"


def test_one_known_field_among_unknown_ones_is_enough():
    assert _items_asked(SECRET, {"zeta", "notes"}) == [SECRET.items[2]]


def test_a_sent_item_names_its_field_by_slug_field_id_or_field_name():
    items = [SimpleNamespace(slug="username", field_name="User Name", field_id=7),
             SimpleNamespace(slug="notes", field_name="Notes", field_id=9)]
    secret = SimpleNamespace(items=items)
    assert _item_named(secret, {"slug": "USERNAME"}) is items[0]
    assert _item_named(secret, {"fieldid": "9"}) is items[1]
    assert _item_named(secret, {"fieldname": "user name"}) is items[0]
    with pytest.raises(InvalidValueException) as caught:
        _item_named(secret, {"fieldname": "Pin", "fieldid": 3})
    assert caught.value.detail == "'Pin' is not a field of this secret's template"
