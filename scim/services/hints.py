"""Which Secret Server lookup can produce a superset of a filter's matches (pure, unit-tested).

The whole filter is always applied locally afterwards (scim2-models evaluates it), so a hint only has
to be a superset: ``userName eq "x"`` → Secret Server's ``searchText=x`` (a substring search over user
name, display name and email), ``id eq "5"`` → that id, ``externalId eq`` → the connector's own table.
An ``and`` needs one hinted term; an ``or`` needs every term hinted; anything else needs the full list.
"""
from __future__ import annotations

from dataclasses import dataclass

from scim2_models.path.expressions import (
    Comparison,
    CompareOperator,
    LogicalExpr,
    LogicalOperator,
    ValuePath,
)

CORE_URNS = ("urn:ietf:params:scim:schemas:core:2.0:user", "urn:ietf:params:scim:schemas:core:2.0:group")


@dataclass(frozen=True)
class Hint:
    kind: str  # "id", "external", "text", "member"
    value: str


RANK = {"id": 0, "external": 1, "member": 2, "text": 3}


def _attr(path) -> tuple[str, str | None] | None:
    if path.uri and path.uri.lower() not in CORE_URNS:
        return None
    return path.attr.lower(), (path.sub_attr or "").lower() or None


def _comparison_hint(node: Comparison, text_attrs: dict) -> Hint | None:
    if node.op != CompareOperator.eq or not isinstance(node.value, str) or not node.value:
        return None
    attr = _attr(node.attr_path)
    if attr is None:
        return None
    name, sub = attr
    if name == "id" and sub is None:
        return Hint("id", node.value)
    if name == "externalid" and sub is None:
        return Hint("external", node.value)
    if name == "members" and sub in (None, "value"):
        return Hint("member", node.value)
    if name in text_attrs and sub in text_attrs[name]:
        return Hint("text", node.value)
    return None


def filter_hints(node, text_attrs: dict) -> tuple[Hint, ...] | None:
    """Hints whose union is a superset of the matches, or None (walk the full list).

    ``text_attrs`` maps an attribute name to the sub-attributes Secret Server's search text covers,
    e.g. ``{"username": (None,), "emails": (None, "value")}``.
    """
    if node is None:
        return None
    if isinstance(node, Comparison):
        hint = _comparison_hint(node, text_attrs)
        return (hint,) if hint else None
    if isinstance(node, ValuePath):
        return _value_path_hints(node, text_attrs)
    if isinstance(node, LogicalExpr):
        parts = [filter_hints(term, text_attrs) for term in node.terms]
        return _and_hints(parts) if node.op == LogicalOperator.and_ else _or_hints(parts)
    return None


def _value_path_hints(node: ValuePath, text_attrs: dict) -> tuple[Hint, ...] | None:
    """``emails[value eq "x"]`` or ``members[value eq "5"]`` hints like ``emails.value eq "x"``.

    Only the bracket's ``value eq`` term (alone or inside an ``and``) narrows; the other terms are left to
    the local filter. A bracket on an attribute the search text does not cover gives no hint.
    """
    attr = _attr(node.attr_path)
    if attr is None or attr[0] not in text_attrs and attr[0] != "members":
        return None
    inner = node.val_filter
    terms = inner.terms if isinstance(inner, LogicalExpr) and inner.op == LogicalOperator.and_ else (inner,)
    for term in terms:
        if isinstance(term, Comparison) and term.attr_path.attr.lower() == "value" and not term.attr_path.sub_attr:
            return filter_hints(Comparison(type(node.attr_path)(attr=node.attr_path.attr, sub_attr="value",
                                                                uri=node.attr_path.uri), term.op, term.value),
                                text_attrs)
    return None


def _and_hints(parts: list) -> tuple[Hint, ...] | None:
    """An ``and`` is narrowed by any one hinted term: the cheapest kind of lookup, then the fewest."""
    hinted = [p for p in parts if p]
    if not hinted:
        return None
    return min(hinted, key=lambda hs: (max(RANK[h.kind] for h in hs), len(hs)))


def _or_hints(parts: list) -> tuple[Hint, ...] | None:
    """An ``or`` needs every term hinted (one unhinted term may match anything): their union, deduplicated."""
    if all(parts):
        return tuple(dict.fromkeys(h for p in parts for h in p))
    return None
