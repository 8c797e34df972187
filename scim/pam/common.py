"""What the PAM stores share: the endpoint's settings, the connector's own folder, filters, messages.

- The connector's own folder (``SCIM {hostname}``, holding the SCIMSecret with the application account's
  password and every endpoint secret) and its sub-folders are never PAM resources: not listed, not
  readable, not writable (404 as if absent). Otherwise a SCIM client could read or delete them.
- A filter on a complex attribute without a sub-attribute means its ``value`` (``parent eq 5`` is
  ``parent.value eq "5"``), as the vendor's connector reads it; numbers compare as the string ids they are.
"""
from __future__ import annotations

from dataclasses import replace

from scim2_models import SCIMException
from scim2_models.path.expressions import Comparison, LogicalExpr, Not, Present, ValuePath
from scim2_models.path.filter import ScimFilter

from connector.models import EndpointMirror
from connector.services.connection import bootstrap_get
from connector.services.endpoints import DEFAULT_ROLE
from scim.services.cache import cached_list
from scim.services.context import secret_server

# --- product messages (each defined once) ------------------------------------------------------------------
# The vendor's wording is known only up to its ellipsis (shared/docs/scim.md); the rest is ours.
MSG_UNMAPPED_RIGHT = "SCIM Connector could not find mapping for {0} right value; the {1} role was used."
MSG_CONTAINER_HOLDS_SECRETS = ("Container '{0}' holds secrets: move or delete them in Secret Server first "
                               "(SCIM never deletes secrets).")
MSG_CONTAINER_HOLDS_CONTAINERS = "Container '{0}' holds other containers: delete or move them first."
MSG_PARENT_UNKNOWN = "'{0}' not found or disabled: parent must be a container of this service"
MSG_CONTAINER_UNKNOWN = "'{0}' not found or disabled: container must be a container of this service"
MSG_PRINCIPAL_ONE = "Attribute 'user' or 'group' is required (exactly one of them)"
MSG_PRINCIPAL_UNKNOWN = "'{0}' not found or disabled"
MSG_PERMISSION_EXISTS = ("Attribute 'container' MUST be unique per user or group: {0} already has rights on "
                         "container {1}; change them with PUT or PATCH")
MSG_SENSITIVE_OFF = ("Reading sensitive field values is turned off for this endpoint (an administrator can "
                     "allow it on the endpoint's page).")
MSG_PRIVILEGED_DATA_WRITES = ("PrivilegedData is written with the vendor's routes: GET /v2/PrivilegedData/Stub, "
                              "then POST /v2/PrivilegedData or PUT /v2/PrivilegedData/{id}")

# Folder access roles Secret Server has, weakest first; "List" (a mapping role) reads as View on a folder.
FOLDER_ROLE_RANK = {"View": 1, "Add Secret": 2, "Edit": 3, "Owner": 4}
SECRET_ROLE_FOR_FOLDER_ROLE = {"View": "View", "Add Secret": "List", "Edit": "Edit", "Owner": "Owner"}


class ConflictException(SCIMException):
    """409 without a ``scimType``: the request conflicts with what Secret Server holds (not a uniqueness clash)."""

    status = 409
    _default_detail = "The request conflicts with the current state of the resource."


def endpoint_mirror(ctx) -> EndpointMirror | None:
    key = ("pam", "endpoint")
    if key not in ctx.memo:
        ctx.memo[key] = EndpointMirror.objects.filter(ss_secret_id=ctx.endpoint_id).first()
    return ctx.memo[key]


def endpoint_mappings(ctx, kind: str) -> dict[str, str]:
    """The endpoint's permission mappings of one type: endpoint value (lower-cased) -> Secret Server role."""
    mirror = endpoint_mirror(ctx)
    mappings = mirror.permission_mappings if mirror is not None else []
    return {str(m.get("value", "")).strip().lower(): str(m.get("role", ""))
            for m in mappings or [] if isinstance(m, dict) and m.get("type") == kind}


def sensitive_reads_allowed(ctx) -> bool:
    mirror = endpoint_mirror(ctx)
    return bool(mirror is not None and getattr(mirror, "allow_sensitive_reads", False))


def connector_folder_id(ctx) -> int | None:
    key = ("pam", "connector-folder")
    if key not in ctx.memo:
        bootstrap = bootstrap_get()
        ctx.memo[key] = bootstrap.folder_id if bootstrap is not None else None
    return ctx.memo[key]


def hidden_folder_ids(folders, connector_folder: int | None) -> set[int]:
    """The connector's folder and everything under it (pure: ``folders`` have ``id`` and ``parent_folder_id``)."""
    if connector_folder is None:
        return set()
    hidden, children = {connector_folder}, {}
    for folder in folders:
        children.setdefault(folder.parent_folder_id, []).append(folder.id)
    stack = [connector_folder]
    while stack:
        for child in children.get(stack.pop(), ()):
            if child not in hidden:
                hidden.add(child)
                stack.append(child)
    return hidden


def role_for_rights(rights, mappings: dict[str, str], *, fallback: str = DEFAULT_ROLE):
    """The strongest Secret Server folder role the rights map to, and the rights no mapping names.

    Pure. ``mappings`` is ``endpoint_mappings(ctx, "Container")``. Unmapped rights count as ``fallback``
    (View, product.md) and are returned so the caller can log them on Messages.
    """
    return strongest_role(rights, mappings, FOLDER_ROLE_RANK, fallback=fallback, as_role=_folder_role_name)


def _folder_role_name(role: str) -> str:
    """A mapping role as a folder role: "List" is a secret role only and reads as View on a folder."""
    return "View" if role == "List" else role


def strongest_role(rights, mappings: dict[str, str], rank: dict[str, int], *, fallback: str = DEFAULT_ROLE,
                   as_role=lambda role: role):
    """The strongest role (by ``rank``) the rights map to, and the rights no mapping names. Pure.

    Shared by the folder and the secret readings: blank rights are skipped, unmapped ones count as
    ``fallback`` and are returned so the caller can log them on Messages; ``as_role`` adapts a mapped role
    to the kind of permission (a folder has no List role).
    """
    roles, unmapped = [], []
    for right in rights or []:
        value = str(right or "").strip()
        if not value:
            continue
        role = mappings.get(value.lower())
        if role is None:
            unmapped.append(value)
            role = fallback
        roles.append(as_role(role))
    if not roles:
        return fallback, unmapped
    return max(roles, key=lambda r: rank.get(r, 0)), unmapped


def rights_for_role(role: str, mappings: dict[str, str], remembered: list | None = None) -> list[str]:
    """The rights to show for a Secret Server role: what the client sent when it still maps to that role,
    else the endpoint values mapped to it, else the role's own name. Pure."""
    if remembered:
        again, _ = role_for_rights(remembered, mappings)
        if again == role:
            return list(remembered)
    values = [value for value, mapped in mappings.items() if _folder_role_name(mapped) == role]
    return values[:1] or [role]


COMPLEX_REFERENCES = frozenset({"parent", "container", "user", "group", "privilegeddata"})


def _value_path(node):
    if isinstance(node, Comparison):
        path = node.attr_path
        value = node.value
        if path.attr.lower() in COMPLEX_REFERENCES and path.sub_attr in (None, "value"):
            path = replace(path, sub_attr="value")
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                value = str(int(value)) if float(value).is_integer() else str(value)
            return replace(node, attr_path=path, value=value)
        return node
    if isinstance(node, Present):
        path = node.attr_path
        if path.attr.lower() in COMPLEX_REFERENCES and path.sub_attr is None:
            return replace(node, attr_path=replace(path, sub_attr="value"))
        return node
    if isinstance(node, Not):
        return replace(node, expr=_value_path(node.expr))
    if isinstance(node, LogicalExpr):
        return replace(node, terms=tuple(_value_path(t) for t in node.terms))
    if isinstance(node, ValuePath):
        return node
    return node


def search_request_normalise(search_request, model):
    """The search request with ``ref eq X`` read as ``ref.value eq "X"`` (the vendor's reading)."""
    scim_filter = search_request.filter
    if scim_filter is None:
        return search_request
    ast = _value_path(scim_filter.ast)
    if ast == scim_filter.ast:
        return search_request
    return search_request.model_copy(update={"filter": ScimFilter[model](ast)})


def reference_id(payload: dict, name: str) -> int | None:
    """The integer id in ``payload[name].value`` (None when absent or empty); ValueError when not an id."""
    ref = payload.get(name)
    if not isinstance(ref, dict):
        return None
    value = str(ref.get("value") or "").strip()
    if not value:
        return None
    if not value.lstrip("-").isdigit():
        raise ValueError(value)
    return int(value)


def filter_equalities(scim_filter, attributes: set[str]) -> dict[str, str]:
    """``attr eq value`` terms at the top of an ``and`` (or alone), for candidate narrowing. Pure."""
    found: dict[str, str] = {}
    if scim_filter is None:
        return found
    node = scim_filter.ast
    terms = node.terms if isinstance(node, LogicalExpr) and node.op.value == "and" else (node,)
    for term in terms:
        if isinstance(term, Comparison) and term.op.value == "eq" and term.value is not None:
            path = term.attr_path
            name = path.attr if path.sub_attr is None else f"{path.attr}.{path.sub_attr}"
            if name.lower() in attributes:
                found[name.lower()] = str(term.value)
    return found


SECRET_ROLE_RANK = {"None": 0, "List": 1, "View": 2, "Edit": 3, "Owner": 4}


def secret_role_for_rights(rights, mappings: dict[str, str], folder_role: str, *, fallback: str = DEFAULT_ROLE):
    """The secret access role a folder permission gives, and the rights no PrivilegedData mapping names. Pure.

    With PrivilegedData mappings on the endpoint, they decide (unmapped values: ``fallback``, reported);
    without any, the secret role follows the folder role (Owner → Owner, Edit → Edit, Add Secret → List,
    View → View), so an endpoint that maps only containers is not flooded with messages.
    """
    if not mappings:
        return SECRET_ROLE_FOR_FOLDER_ROLE.get(folder_role, "View"), []
    return secret_role_from_rights(rights, mappings, fallback=fallback)


def messages_note(ctx, text: str) -> None:
    """A note on this request's line on the Messages page (and in the event log files), e.g. an unmapped
    right. The gateway writes it with the request's own row (scim.services.gateway)."""
    notes = ctx.memo.setdefault("notes", [])
    if text not in notes:
        notes.append(text)


def scim_base_url(ctx) -> str:
    """``https://host/v2`` of this request (absolute ``$ref`` values), or "" without a request (relative)."""
    key = ("pam", "base-url")
    if key not in ctx.memo:
        request = ctx.request
        try:
            ctx.memo[key] = request.build_absolute_uri("/v2") if request is not None else ""
        except Exception:  # a bad Host was refused before the storage runs; be safe anyway
            ctx.memo[key] = ""
    return ctx.memo[key]


def secret_role_from_rights(rights, mappings: dict[str, str], *, fallback: str = DEFAULT_ROLE):
    """The strongest secret role the rights map to (PrivilegedData mappings) and the unmapped rights. Pure."""
    return strongest_role(rights, mappings, SECRET_ROLE_RANK, fallback=fallback)


def secret_rights_for_role(role: str, mappings: dict[str, str], remembered: list | None = None) -> list[str]:
    """As ``rights_for_role``, for a secret role (List is a role of its own there). Pure."""
    if remembered and secret_role_from_rights(remembered, mappings)[0] == role:
        return list(remembered)
    values = [value for value, mapped in mappings.items() if mapped == role]
    return values[:1] or [role]


def cached_listing(ctx, name: str, fetch, *, load: bool = True):
    """One of the PAM stores' full listings (folders, secrets, folder or secret permissions): ``fetch()``
    asked of Secret Server (its errors translated), kept in the short list cache under ``name``."""
    def loader():
        with secret_server(ctx):
            return fetch()
    return cached_list(name, ctx.endpoint_id, loader, load=load)
