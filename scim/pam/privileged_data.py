"""SCIM PrivilegedData ↔ Secret Server secrets (issue 12): list and read, never a sensitive value.

- ``name``/``displayName`` ↔ secret name, ``type`` ↔ template name, ``container`` ↔ its folder; the Secret
  Server extension carries the template id, ``active``, the access options (comment, approval, check-out)
  and the **non-sensitive** field values. A field is sensitive when Secret Server marks it ``isPassword``
  (passwords, private keys, passphrases): it is dropped as soon as Secret Server's answer is read and never
  reaches a list, a read, a log line, an audit row or Messages. Sensitive values are read only through
  ``GET /v2/PrivilegedData/GetFields`` on an endpoint that allows it (scim.pam.vendor).
- Reads never check a secret out (``noAutoCheckout``). A secret that needs a comment, an approval or a
  check-out answers 403 with a message that says which (``secret_read``).
- Writes go through the vendor's routes (scim.pam.vendor); SCIM PATCH and DELETE are refused (400
  ``mutability``) with a message naming those routes.
- Secrets in the connector's own folder (the SCIMSecret, the endpoints) do not exist for this service.
"""
from __future__ import annotations

from scim2_models import ForbiddenException, MutabilityException, NotFoundException

from scim.errors import (
    MSG_RESOURCE_NOT_FOUND,
    MSG_SECRET_CHECKED_OUT,
    MSG_SECRET_NEEDS_APPROVAL,
    MSG_SECRET_NEEDS_CHECKOUT,
    MSG_SECRET_NEEDS_COMMENT,
)
from scim.mapping import weak_etag
from scim.pam.common import (
    MSG_PRIVILEGED_DATA_WRITES,
    cached_listing,
    filter_equalities,
    search_request_normalise,
)
from scim.pam.containers import all_folders, hidden_folders
from scim.pam.schemas import PRIVILEGED_DATA_SCHEMA, SS_PRIVILEGED_DATA_SCHEMA
from scim.services.cache import lists_invalidate
from scim.services.context import ScimContext, refuse, secret_server
from scim.services.search import page_of

KIND = "PrivilegedData"


def is_sensitive(item) -> bool:
    """Secret Server's own marker: ``isPassword`` on the item (template field). Files are never shown either."""
    return bool(item.is_password or item.is_file)


def privileged_data_to_scim(secret, folder_name: str | None, *, items=None) -> dict:
    """The SCIM PrivilegedData for a secret (``Secret`` or ``SecretSummary``). Pure.

    ``items`` are the secret's items when read (None for list entries); sensitive ones are dropped here.
    """
    payload = {"schemas": [PRIVILEGED_DATA_SCHEMA, SS_PRIVILEGED_DATA_SCHEMA], "id": str(secret.id),
               "name": secret.name, "displayName": secret.name,
               "type": secret.secret_template_name or str(secret.secret_template_id or "")}
    folder_id = secret.folder_id
    if folder_id not in (None, -1, 0):
        payload["container"] = {"value": str(folder_id), "$ref": f"Containers/{folder_id}",
                                "display": folder_name or "", "name": folder_name or ""}
    extension = {"secretTemplateId": secret.secret_template_id, "secretTemplateName": secret.secret_template_name,
                 "active": bool(secret.active), "requiresComment": bool(secret.requires_comment),
                 "requiresApproval": bool(getattr(secret, "requires_approval", False) or
                                          getattr(secret, "requires_approval_for_access", False))}
    if hasattr(secret, "check_out_enabled"):
        extension["checkOutEnabled"] = bool(secret.check_out_enabled)
    if items is not None:
        extension["fields"] = [{"slug": i.slug, "name": i.field_name or i.slug, "value": i.item_value or ""}
                               for i in items if not is_sensitive(i)]
    payload[SS_PRIVILEGED_DATA_SCHEMA] = extension
    payload["meta"] = {"resourceType": KIND, "version": weak_etag(payload)}
    return payload


def secret_read(ctx: ScimContext, secret_id: int):
    """The secret as Secret Server holds it (values included: callers drop sensitive ones), never checked out.

    Comment, approval and check-out requirements become 403s that say so; other failures are translated
    as everywhere else.
    """
    with secret_server(ctx, str(secret_id)):
        secret = ctx.client.get_secret(secret_id, no_auto_checkout=True)
    ctx.upstream_succeeded = True
    return secret


def all_secrets(ctx: ScimContext):
    return cached_listing(ctx, "secrets", lambda: ctx.client.search_secrets(include_restricted=True))


def secrets_changed() -> None:
    lists_invalidate("secrets")


class PrivilegedDataStore:
    kind = KIND

    def __init__(self, model):
        self.model = model

    def _hidden(self, ctx: ScimContext) -> set[int]:
        return hidden_folders(ctx)

    def visible_secret(self, ctx: ScimContext, resource_id: str):
        """The full secret (values included) if it is privileged data of this service; 404 otherwise."""
        not_found = NotFoundException(detail=MSG_RESOURCE_NOT_FOUND.format(resource_id))
        if not str(resource_id).isdigit():
            raise not_found
        try:
            secret = secret_read(ctx, int(resource_id))
        except NotFoundException:
            raise not_found from None
        except ForbiddenException as exc:
            if exc.detail in (MSG_SECRET_NEEDS_APPROVAL, MSG_SECRET_NEEDS_COMMENT, MSG_SECRET_NEEDS_CHECKOUT,
                              MSG_SECRET_CHECKED_OUT):
                raise
            raise not_found from None  # Access Denied: the application account cannot see it
        if secret.folder_id is not None and secret.folder_id in self._hidden(ctx):
            raise not_found
        return secret

    def get(self, ctx: ScimContext, resource_id: str, response_parameters=None):
        secret = self.visible_secret(ctx, resource_id)
        names = {f.id: f.folder_name for f in all_folders(ctx)}
        payload = privileged_data_to_scim(secret, names.get(secret.folder_id), items=secret.items)
        return self.model.model_validate(payload)

    def search(self, ctx: ScimContext, search_request):
        search_request = search_request_normalise(search_request, self.model)
        hidden = self._hidden(ctx)
        wanted = filter_equalities(search_request.filter, {"container.value"})
        folder = wanted.get("container.value")
        if folder is not None:  # one folder's secrets: one Secret Server call
            secrets = ()
            if folder.lstrip("-").isdigit():
                with secret_server(ctx):
                    secrets = ctx.client.search_secrets(folder_id=int(folder), include_restricted=True)
        else:
            secrets = all_secrets(ctx)
        secrets = sorted((s for s in secrets if s.folder_id is None or s.folder_id not in hidden), key=lambda s: s.id)
        names = {f.id: f.folder_name for f in all_folders(ctx)}
        return page_of(search_request, secrets,
                       lambda s: self.model.model_validate(privileged_data_to_scim(s, names.get(s.folder_id))))

    def create(self, ctx: ScimContext, resource):
        raise refuse(MutabilityException(detail=MSG_PRIVILEGED_DATA_WRITES))

    def update(self, ctx: ScimContext, resource, expected_version=None):
        raise refuse(MutabilityException(detail=MSG_PRIVILEGED_DATA_WRITES))

    def delete(self, ctx: ScimContext, resource_id: str, expected_version=None):
        raise refuse(MutabilityException(detail=MSG_PRIVILEGED_DATA_WRITES))
