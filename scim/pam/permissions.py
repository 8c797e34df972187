"""SCIM ContainerPermissions ↔ Secret Server folder permissions (issue 12).

- ``container`` ↔ the folder, ``user`` or ``group`` ↔ the principal (exactly one; both immutable once
  set), ``rights`` ↔ the roles. Rights are the endpoint's values (e.g. ``admin``): the endpoint's permission
  mappings of type Container turn them into the folder access role (``admin`` → Owner), those of type
  PrivilegedData into the secret access role the folder permission carries. An unmapped value gives View
  and a line on Messages with the product's message (``MSG_UNMAPPED_RIGHT``).
- Reading back, the rights the client sent are shown while Secret Server still holds the role they map to;
  otherwise the endpoint value mapped to the role, else the role's name.
- An inheriting sub-folder has its parent's permissions and no rows of its own: granting on it breaks the
  inheritance (Secret Server copies the parent's rows first), which the audit row says.
- One permission per (container, user/group): a second create answers 409 ``uniqueness``.
"""
from __future__ import annotations

from scim2_models import (
    Context,
    ForbiddenException,
    InvalidValueException,
    MutabilityException,
    NotFoundException,
    UniquenessException,
)

from scim.errors import MSG_ATTRIBUTE_IMMUTABLE, MSG_RESOURCE_NOT_FOUND
from scim.mapping import weak_etag
from scim.pam.common import (
    MSG_CONTAINER_UNKNOWN,
    MSG_PERMISSION_EXISTS,
    MSG_PRINCIPAL_ONE,
    MSG_PRINCIPAL_UNKNOWN,
    MSG_UNMAPPED_RIGHT,
    connector_folder_id,
    endpoint_mappings,
    filter_equalities,
    hidden_folder_ids,
    messages_note,
    reference_id,
    rights_for_role,
    role_for_rights,
    search_request_normalise,
    secret_role_for_rights,
)
from scim.pam.containers import ContainerStore, all_folders
from scim.pam.schemas import CONTAINER_PERMISSION_SCHEMA
from scim.services.cache import cached_list, lists_invalidate
from scim.services.context import ScimContext, refuse, scim_write, secret_server
from scim.services.extras import extra_drop, extra_save, extras_for
from scim.services.search import page_of

KIND = "ContainerPermission"


def permission_to_scim(row, folder_name: str, rights: list[str], extra=None) -> dict:
    """The SCIM ContainerPermission for a folder permission row (pure)."""
    payload = {"schemas": [CONTAINER_PERMISSION_SCHEMA], "id": str(row.id),
               "container": {"value": str(row.folder_id), "$ref": f"Containers/{row.folder_id}",
                             "display": folder_name, "name": folder_name}}
    if extra is not None and extra.external_id:
        payload["externalId"] = extra.external_id
    if row.user_id is not None:
        payload["user"] = {"value": str(row.user_id), "$ref": f"Users/{row.user_id}",
                           "display": row.user_name or row.known_as or str(row.user_id)}
    elif row.group_id is not None:
        payload["group"] = {"value": str(row.group_id), "$ref": f"Groups/{row.group_id}",
                            "display": row.group_name or row.known_as or str(row.group_id)}
    payload["rights"] = rights
    meta = {"resourceType": KIND, "version": weak_etag(payload)}
    if extra is not None:
        meta["created"] = extra.created.isoformat().replace("+00:00", "Z")
        meta["lastModified"] = extra.last_modified.isoformat().replace("+00:00", "Z")
    payload["meta"] = meta
    return payload


def all_permissions(ctx: ScimContext):
    def loader():
        with secret_server(ctx):
            return ctx.client.all_folder_permissions()
    return cached_list("folder-permissions", ctx.endpoint_id, loader)


class PermissionWrite:
    def __init__(self, payload: dict):
        try:
            self.folder_id = reference_id(payload, "container")
            self.user_id = reference_id(payload, "user")
            self.group_id = reference_id(payload, "group")
        except ValueError as exc:
            raise refuse(InvalidValueException(detail=MSG_PRINCIPAL_UNKNOWN.format(exc.args[0]))) from None
        self.rights = [str(r).strip() for r in payload.get("rights") or [] if str(r or "").strip()]
        self.external_id = str(payload.get("externalId") or "")


class ContainerPermissionStore:
    kind = KIND

    def __init__(self, model):
        self.model = model
        self.containers = ContainerStore(None)

    # -- helpers ---------------------------------------------------------------------------------------
    def _folder_names(self, ctx: ScimContext) -> dict[int, str]:
        return {f.id: f.folder_name for f in all_folders(ctx)}

    def _hidden(self, ctx: ScimContext) -> set[int]:
        return hidden_folder_ids(all_folders(ctx), connector_folder_id(ctx))

    def build(self, ctx: ScimContext, row, extra=None, names=None):
        names = names if names is not None else self._folder_names(ctx)
        remembered = (extra.data or {}).get("rights") if extra is not None else None
        rights = rights_for_role(row.folder_access_role_name, endpoint_mappings(ctx, "Container"), remembered)
        return self.model.model_validate(permission_to_scim(row, names.get(row.folder_id, ""), rights, extra))

    def _load(self, ctx: ScimContext, resource_id: str):
        not_found = NotFoundException(detail=MSG_RESOURCE_NOT_FOUND.format(resource_id))
        if not str(resource_id).isdigit():
            raise not_found
        try:
            with secret_server(ctx, str(resource_id)):
                row = ctx.client.get_folder_permission(int(resource_id))
        except (NotFoundException, ForbiddenException):
            raise not_found from None
        if row.folder_id in self._hidden(ctx):
            raise not_found
        return row

    def _roles(self, ctx: ScimContext, rights: list[str]) -> tuple[str, str]:
        folder_role, unmapped = role_for_rights(rights, endpoint_mappings(ctx, "Container"))
        for value in unmapped:
            messages_note(ctx, MSG_UNMAPPED_RIGHT.format(value, "View"))
        secret_role, unmapped_data = secret_role_for_rights(rights, endpoint_mappings(ctx, "PrivilegedData"),
                                                            folder_role)
        for value in unmapped_data:
            messages_note(ctx, MSG_UNMAPPED_RIGHT.format(value, "View"))
        return folder_role, secret_role

    # -- reads -----------------------------------------------------------------------------------------
    def get(self, ctx: ScimContext, resource_id: str, response_parameters=None):
        row = self._load(ctx, resource_id)
        return self.build(ctx, row, extras_for(ctx.endpoint_id, KIND, [row.id]).get(row.id))

    def search(self, ctx: ScimContext, search_request):
        search_request = search_request_normalise(search_request, self.model)
        hidden = self._hidden(ctx)
        wanted = filter_equalities(search_request.filter, {"container.value"})
        folder = wanted.get("container.value")
        if folder is not None:  # SailPoint reads one container's permissions: one Secret Server call
            rows = ()
            if folder.isdigit():
                try:
                    with secret_server(ctx, folder):
                        rows = ctx.client.folder_permissions(int(folder))
                except (NotFoundException, ForbiddenException):
                    rows = ()
        else:
            rows = all_permissions(ctx)
        rows = sorted((r for r in rows if r.folder_id not in hidden), key=lambda r: r.id)
        extras = extras_for(ctx.endpoint_id, KIND, [r.id for r in rows])
        names = self._folder_names(ctx)
        return page_of(search_request, rows, lambda r: self.build(ctx, r, extras.get(r.id), names))

    # -- writes ----------------------------------------------------------------------------------------
    def create(self, ctx: ScimContext, resource):
        write = PermissionWrite(resource.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
        if (write.user_id is None) == (write.group_id is None):
            raise refuse(InvalidValueException(detail=MSG_PRINCIPAL_ONE))
        if write.folder_id is None:
            raise refuse(InvalidValueException(detail=MSG_CONTAINER_UNKNOWN.format("")))
        try:
            folder = self.containers.visible_folder(ctx, write.folder_id)
        except NotFoundException:
            raise refuse(InvalidValueException(detail=MSG_CONTAINER_UNKNOWN.format(write.folder_id))) from None
        with secret_server(ctx, str(folder.id)):
            own = ctx.client.folder_permissions(folder.id)
        principal = f"user {write.user_id}" if write.user_id is not None else f"group {write.group_id}"
        if any((write.user_id is not None and r.user_id == write.user_id) or
               (write.group_id is not None and r.group_id == write.group_id and r.user_id is None) for r in own):
            raise refuse(UniquenessException(detail=MSG_PERMISSION_EXISTS.format(principal, folder.id)))
        folder_role, secret_role = self._roles(ctx, write.rights)
        breaks = bool(folder.inherit_permissions) and not folder.is_root
        with scim_write(ctx, "scim.container_permission.create", target_type="ss_folder_permission",
                        target_repr=f"{principal} on folder {folder.id}",
                        message="POST /ContainerPermissions" + (" (breaks the folder's permission inheritance)"
                                                                if breaks else "")) as audit:
            try:
                with secret_server(ctx, principal):
                    row = ctx.client.create_folder_permission(folder.id, folder_role, secret_role,
                                                              user_id=write.user_id, group_id=write.group_id,
                                                              break_inheritance=breaks)
            except NotFoundException:
                raise refuse(InvalidValueException(detail=MSG_PRINCIPAL_UNKNOWN.format(principal))) from None
            audit.target_id = row.id
            extra = extra_save(ctx.endpoint_id, KIND, row.id, data={"rights": write.rights},
                               external_id=write.external_id)
            audit.after = {"folderId": folder.id, "principal": principal, "rights": write.rights,
                           "folderAccessRoleName": row.folder_access_role_name,
                           "secretAccessRoleName": row.secret_access_role_name}
        self._changed()
        return self.build(ctx, row, extra)

    def update(self, ctx: ScimContext, resource, expected_version=None):
        current = self._load(ctx, resource.id)
        write = PermissionWrite(resource.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
        for name, was, now in (("container", current.folder_id, write.folder_id),
                               ("user", current.user_id, write.user_id),
                               ("group", None if current.user_id is not None else current.group_id, write.group_id)):
            if now is not None and now != was:
                raise refuse(MutabilityException(detail=MSG_ATTRIBUTE_IMMUTABLE.format(name)))
        folder_role, secret_role = self._roles(ctx, write.rights)
        before = {"folderAccessRoleName": current.folder_access_role_name,
                  "secretAccessRoleName": current.secret_access_role_name}
        with scim_write(ctx, "scim.container_permission.update", target_type="ss_folder_permission",
                        target_id=current.id, target_repr=f"folder {current.folder_id}", before=before) as audit:
            row = current
            if (folder_role, secret_role) != (current.folder_access_role_name, current.secret_access_role_name):
                with secret_server(ctx, str(current.id)):
                    row = ctx.client.update_folder_permission(current.id, folder_role, secret_role)
            extra = extra_save(ctx.endpoint_id, KIND, current.id, data={"rights": write.rights},
                               external_id=write.external_id)
            audit.after = {"rights": write.rights, "folderAccessRoleName": row.folder_access_role_name,
                           "secretAccessRoleName": row.secret_access_role_name}
        self._changed()
        return self.build(ctx, row, extra)

    def delete(self, ctx: ScimContext, resource_id: str, expected_version=None):
        current = self._load(ctx, resource_id)
        with scim_write(ctx, "scim.container_permission.delete", target_type="ss_folder_permission",
                        target_id=current.id, target_repr=f"folder {current.folder_id}",
                        before={"folderAccessRoleName": current.folder_access_role_name},
                        message="DELETE /ContainerPermissions"):
            with secret_server(ctx, str(current.id)):
                ctx.client.delete_folder_permission(current.id)
            extra_drop(ctx.endpoint_id, KIND, current.id)
        self._changed()

    @staticmethod
    def _changed():
        lists_invalidate("folder-permissions")
        lists_invalidate("folders")  # a grant may have broken a folder's inheritance
