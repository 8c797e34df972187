"""The vendor's own PrivilegedData routes, same names and shapes (issue 12; shared/docs/scim.md):

- ``GET /v2/PrivilegedData/Stub?secretTemplateId=&folderId=`` → a new secret's skeleton: Secret Server's
  stub (``SecretModel``: name, folderId, secretTemplateId, items with empty values).
- ``POST /v2/PrivilegedData`` (the edited stub) → 201 with the created secret; ``PUT /v2/PrivilegedData/{id}``
  (the same shape; only the items sent change) → 200. Items are matched by ``slug``, ``fieldId`` or
  ``fieldName``. Answers never carry a sensitive value, not even the one just sent.
- ``GET /v2/PrivilegedData/GetFields`` → field values, looked up by ``id`` (or ``secretId``), or by ``name``
  (exact, case-insensitive) with an optional ``folderId``; ``slug`` (or ``fieldName``; comma-separated)
  narrows the fields. Sensitive values (``isPassword``) are returned only when the endpoint's "Allow reading
  sensitive values" switch is on, and each one returned is audited with the endpoint as actor **before**
  the answer leaves (fail-closed). With the switch off they are left out; asking for one by name is 403.

Same authentication, limits, error threshold, audit and request log as every SCIM request: the gateway
calls ``vendor_route`` after authenticating and reading the body.
"""
from __future__ import annotations

import json
import re
from http import HTTPStatus

from scim2_models import ForbiddenException, InvalidValueException, NotFoundException
from scim2_server.responses import ScimResponse

from connector.services.audit import audit_record
from scim.errors import MSG_ATTRIBUTE_REQUIRED, MSG_RESOURCE_NOT_FOUND
from scim.pam.common import MSG_CONTAINER_UNKNOWN, MSG_SENSITIVE_OFF, sensitive_reads_allowed
from scim.pam.containers import ContainerStore
from scim.pam.privileged_data import PrivilegedDataStore, is_sensitive, secrets_changed
from scim.services.context import ScimContext, refuse, scim_write, secret_server
from scim.services.write_audit import write_watched

MSG_BODY_NOT_JSON = "The request body must be a JSON object (the secret stub from /v2/PrivilegedData/Stub)."
MSG_FIELD_UNKNOWN = "'{0}' is not a field of this secret's template"
MSG_LOOKUP = "Give id (or secretId), or name (with folderId where names repeat)."
MSG_AMBIGUOUS = "More than one secret is named '{0}'; give folderId or id."

_ROUTES = (
    ("GET", re.compile(r"^/privilegeddata/stub/?$", re.I), "stub"),
    ("GET", re.compile(r"^/privilegeddata/getfields/?$", re.I), "get_fields"),
    ("POST", re.compile(r"^/privilegeddata/?$", re.I), "create"),
    ("PUT", re.compile(r"^/privilegeddata/(?P<id>[^/]+)/?$", re.I), "update"),
)
WRITE_VERBS = ("POST", "PUT")


def vendor_route(method: str, path: str):
    """The handler ``(ctx, scim_request) -> ScimResponse`` for a vendor route, or None (scim2-server's then)."""
    for verb, pattern, name in _ROUTES:
        found = pattern.match(path)
        if found and method.upper() == verb:
            handler = getattr(VendorRoutes, name)
            arguments = found.groupdict()
            if verb in WRITE_VERBS:  # a refused write is audited like scim2-server's (scim/handler.py)
                resource_id = arguments.get("id") or ""
                return lambda ctx, scim_request: write_watched(
                    ctx, method=verb, resource_type="PrivilegedData", resource_id=resource_id,
                    path="/PrivilegedData" + (f"/{resource_id}" if resource_id else ""),
                    run=lambda: handler(VendorRoutes(ctx), scim_request, **arguments))
            return lambda ctx, scim_request: handler(VendorRoutes(ctx), scim_request, **arguments)
    return None


def _lower_keys(document: dict) -> dict:
    return {str(k).lower(): v for k, v in document.items()}


def _int(value, name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value).strip())
    except ValueError:
        raise refuse(InvalidValueException(detail=f"Attribute '{name}' must be an integer")) from None


def _item_json(item, *, with_value: bool) -> dict:
    """One item in Secret Server's shape; a sensitive value only when ``with_value`` (GetFields, switch on)."""
    body = item.to_json()
    if is_sensitive(item) and not with_value:
        body["itemValue"] = None
    return body


def _secret_json(secret, *, sensitive: bool = False) -> dict:
    body = secret.to_json()
    body["secretTemplateName"] = secret.secret_template_name
    body["items"] = [_item_json(i, with_value=sensitive) for i in secret.items]
    return body


def _fields_asked(query: dict) -> set[str]:
    """The field names or slugs GetFields was narrowed to (``slug`` or ``fieldName``, comma-separated),
    lower-cased; empty means every field."""
    return {s.strip().lower() for s in str(query.get("slug") or query.get("fieldname") or "").split(",")
            if s.strip()}


def _items_asked(secret, asked: set[str]) -> list:
    """The secret's items matching ``asked`` by slug or field name (all when nothing was asked).

    Asking only for names the template lacks is a 404 naming them, not an empty answer.
    """
    items = [i for i in secret.items if not asked or i.slug.lower() in asked or i.field_name.lower() in asked]
    if asked and not items:
        raise refuse(NotFoundException(detail=MSG_FIELD_UNKNOWN.format(", ".join(sorted(asked)))))
    return items


def _item_named(secret, raw: dict):
    """The secret's item a sent item names, by ``slug`` or field name (case-insensitive) or ``fieldId``; the
    first of the secret's items any of them matches. Naming no field of the template is refused."""
    for item in secret.items:
        if ((raw.get("slug") and str(raw["slug"]).lower() == item.slug.lower())
                or (raw.get("fieldid") is not None and str(raw["fieldid"]) == str(item.field_id))
                or (raw.get("fieldname") and str(raw["fieldname"]).lower() == item.field_name.lower())):
            return item
    label = raw.get("slug") or raw.get("fieldname") or raw.get("fieldid")
    raise refuse(InvalidValueException(detail=MSG_FIELD_UNKNOWN.format(label)))


class VendorRoutes:
    def __init__(self, ctx: ScimContext):
        self.ctx = ctx
        self.secrets = PrivilegedDataStore(None)
        self.containers = ContainerStore(None)

    # -- helpers ---------------------------------------------------------------------------------------
    def _folder(self, folder_id: int | None) -> int:
        """-1 (root) or a container of this service."""
        if folder_id in (None, -1, 0):
            return -1
        try:
            return self.containers.visible_folder(self.ctx, folder_id).id
        except NotFoundException:
            raise refuse(InvalidValueException(detail=MSG_CONTAINER_UNKNOWN.format(folder_id))) from None

    @staticmethod
    def _body(scim_request) -> dict:
        try:
            document = json.loads(scim_request.body or b"")
        except ValueError:
            document = None
        if not isinstance(document, dict):
            raise refuse(InvalidValueException(detail=MSG_BODY_NOT_JSON))
        return _lower_keys(document)

    @staticmethod
    def _values(secret, items) -> dict[str, str | None]:
        """Item values by the secret's slugs, from items given by slug, fieldId or fieldName."""
        values = {}
        for raw in items or []:
            if not isinstance(raw, dict):
                raise refuse(InvalidValueException(detail=MSG_BODY_NOT_JSON))
            raw = _lower_keys(raw)
            if "itemvalue" not in raw and "value" not in raw:
                continue
            target = _item_named(secret, raw)
            value = raw.get("itemvalue", raw.get("value"))
            values[target.slug] = None if value is None else str(value)
        return values

    # -- routes ----------------------------------------------------------------------------------------
    def stub(self, scim_request) -> ScimResponse:
        query = _lower_keys(scim_request.query or {})
        template_id = _int(query.get("secrettemplateid"), "secretTemplateId")
        if template_id is None:
            raise refuse(InvalidValueException(detail=MSG_ATTRIBUTE_REQUIRED.format("secretTemplateId")))
        folder_id = self._folder(_int(query.get("folderid"), "folderId"))
        with secret_server(self.ctx, str(template_id)):
            stub = self.ctx.client.secret_stub(template_id, folder_id)
        body = _secret_json(stub)
        body.pop("id", None)
        return ScimResponse(HTTPStatus.OK, body)

    def create(self, scim_request) -> ScimResponse:
        body = self._body(scim_request)
        name = str(body.get("name") or "").strip()
        if not name:
            raise refuse(InvalidValueException(detail=MSG_ATTRIBUTE_REQUIRED.format("name")))
        template_id = _int(body.get("secrettemplateid"), "secretTemplateId")
        if template_id is None:
            raise refuse(InvalidValueException(detail=MSG_ATTRIBUTE_REQUIRED.format("secretTemplateId")))
        folder_id = self._folder(_int(body.get("folderid"), "folderId"))
        with secret_server(self.ctx, str(template_id)):
            stub = self.ctx.client.secret_stub(template_id, folder_id)
        values = self._values(stub, body.get("items"))
        with scim_write(self.ctx, "scim.privileged_data.create", target_type="ss_secret", target_repr=name,
                        message="POST /PrivilegedData") as audit:
            with secret_server(self.ctx, "name"):
                secret = self.ctx.client.create_secret(stub, name=name, folder_id=folder_id, fields=values)
            audit.target_id = secret.id
            audit.after = {"name": secret.name, "folderId": secret.folder_id, "secretTemplateId": template_id,
                           "fieldsSet": sorted(values)}  # which fields, never their values
        secrets_changed()
        return ScimResponse(HTTPStatus.CREATED, _secret_json(secret))

    def update(self, scim_request, id: str) -> ScimResponse:
        body = self._body(scim_request)
        current = self.secrets.visible_secret(self.ctx, id)
        name = str(body.get("name") or current.name).strip()
        folder_id = current.folder_id
        if "folderid" in body:
            folder_id = self._folder(_int(body.get("folderid"), "folderId"))
        values = self._values(current, body.get("items"))
        with scim_write(self.ctx, "scim.privileged_data.update", target_type="ss_secret", target_id=current.id,
                        target_repr=current.name, before={"name": current.name, "folderId": current.folder_id},
                        message="PUT /PrivilegedData") as audit:
            with secret_server(self.ctx, str(current.id)):
                secret = self.ctx.client.update_secret(current.with_values(name=name, folder_id=folder_id,
                                                                           **values))
            audit.after = {"name": secret.name, "folderId": secret.folder_id, "fieldsSet": sorted(values)}
        secrets_changed()
        return ScimResponse(HTTPStatus.OK, _secret_json(secret))

    def get_fields(self, scim_request) -> ScimResponse:
        query = _lower_keys(scim_request.query or {})
        secret = self.secrets.visible_secret(self.ctx, str(self._secret_id(query)))
        asked = _fields_asked(query)
        items = self._readable(secret, _items_asked(secret, asked), asked)
        return ScimResponse(HTTPStatus.OK, {
            "id": secret.id, "name": secret.name, "folderId": secret.folder_id,
            "secretTemplateId": secret.secret_template_id,
            "items": [_item_json(i, with_value=True) for i in items]})

    def _secret_id(self, query: dict) -> int:
        """GetFields names its secret by ``id`` (or ``secretId``), else by ``name`` (or ``secretName``)."""
        secret_id = _int(query.get("id") or query.get("secretid"), "id")
        if secret_id is not None:
            return secret_id
        return self._by_name(str(query.get("name") or query.get("secretname") or "").strip(),
                             _int(query.get("folderid"), "folderId"))

    def _readable(self, secret, items: list, asked: set[str]) -> list:
        """The items this endpoint may read; files never leave, sensitive values only with the switch on.

        With the switch off, a sensitive field asked for by name is refused (403) rather than silently
        left out, so the caller knows why; unasked, sensitive fields are just dropped. With it on, each
        sensitive value is audited before the answer leaves (fail-closed).
        """
        allowed = sensitive_reads_allowed(self.ctx)
        sensitive = [i for i in items if is_sensitive(i) and not i.is_file]
        if sensitive and not allowed:
            if asked:
                raise refuse(ForbiddenException(detail=MSG_SENSITIVE_OFF))
            return [i for i in items if not is_sensitive(i)]
        for item in sensitive:  # fail-closed: the row is written before the value leaves
            self._audit_sensitive_read(secret, item)
        return [i for i in items if not i.is_file]

    def _audit_sensitive_read(self, secret, item) -> None:
        """One audit row per sensitive value handed out, with the endpoint as actor."""
        audit_record(action="scim.privileged_data.read_sensitive", outcome="success",
                     actor_name=self.ctx.actor_name, request=self.ctx.request, target_type="ss_secret",
                     target_id=secret.id, target_repr=secret.name,
                     message=f"GET /PrivilegedData/GetFields: sensitive field '{item.slug}' read")

    def _by_name(self, name: str, folder_id: int | None) -> int:
        if not name:
            raise refuse(InvalidValueException(detail=MSG_LOOKUP))
        with secret_server(self.ctx):
            found = self.ctx.client.search_secrets(folder_id=folder_id, search_text=name, include_restricted=True)
        hidden = self.secrets._hidden(self.ctx)  # the connector's own secrets never count, nor show
        exact = [s for s in found if s.name.casefold() == name.casefold()
                 and (folder_id is None or s.folder_id == folder_id) and s.folder_id not in hidden]
        if not exact:
            raise refuse(NotFoundException(detail=MSG_RESOURCE_NOT_FOUND.format(name)))
        if len(exact) > 1:
            raise refuse(InvalidValueException(detail=MSG_AMBIGUOUS.format(name)))
        return exact[0].id
