"""How filter hints combine across ``and`` / ``or`` (pure): the rule that decides the Secret Server lookup."""
from __future__ import annotations

from scim.services.hints import Hint, _and_hints, _or_hints

ID = (Hint("id", "4"),)
TEXT = (Hint("text", "a"),)
TWO_TEXTS = (Hint("text", "a"), Hint("text", "b"))
EXTERNAL_AND_ID = (Hint("external", "e"), Hint("id", "4"))


def test_and_takes_the_cheapest_kind_then_the_fewest_lookups():
    assert _and_hints([TEXT, ID]) == ID
    assert _and_hints([TWO_TEXTS, TEXT]) == TEXT
    assert _and_hints([EXTERNAL_AND_ID, TEXT]) == EXTERNAL_AND_ID  # worst kind in it (external) beats text


def test_and_needs_only_one_hinted_term():
    assert _and_hints([None, TEXT]) == TEXT
    assert _and_hints([None, None]) is None


def test_or_needs_every_term_hinted_and_unions_them_once():
    assert _or_hints([TEXT, TWO_TEXTS]) == TWO_TEXTS
    assert _or_hints([ID, TEXT]) == ID + TEXT
    assert _or_hints([TEXT, None]) is None
