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

from scim2_models import ForbiddenException, InvalidValueException, NotFoundException, UniquenessException

from scim.pam.common import (
    MSG_CONTAINER_UNKNOWN,
    MSG_PERMISSION_EXISTS,
    MSG_PRINCIPAL_ONE,
    MSG_PRINCIPAL_UNKNOWN,
    cached_listing,
    endpoint_mappings,
    filter_equalities,
    rights_for_role,
    role_for_rights,
    scim_base_url,
    search_request_normalise,
    secret_role_for_rights,
)
from scim.pam.containers import ContainerStore, all_folders, hidden_folders
from scim.pam.grants import (
    GrantWrite,
    fetch_grant,
    grant_to_scim,
    note_unmapped_rights,
    remembered_rights,
    resource_not_found,
)
from scim.pam.schemas import CONTAINER_PERMISSION_SCHEMA
from scim.services.cache import lists_invalidate
from scim.services.context import ScimContext, refuse, scim_write, secret_server
from scim.services.extras import extra_drop, extra_save, extras_for
from scim.services.search import page_of

KIND = "ContainerPermission"


def permission_to_scim(row, folder_name: str, rights: list[str], extra=None, *, base_url: str = "") -> dict:
    """The SCIM ContainerPermission for a folder permission row (pure)."""
    return grant_to_scim(row, schema=CONTAINER_PERMISSION_SCHEMA, resource_type=KIND,
                         target_attribute="container", target_resource="Containers", target_id=row.folder_id,
                         target_name=folder_name, rights=rights, extra=extra, base_url=base_url)


def all_permissions(ctx: ScimContext):
    return cached_listing(ctx, "folder-permissions", lambda: ctx.client.all_folder_permissions())


class ContainerPermissionStore:
    kind = KIND

    def __init__(self, model):
        self.model = model
        self.containers = ContainerStore(None)

    # -- helpers ---------------------------------------------------------------------------------------
    def _folder_names(self, ctx: ScimContext) -> dict[int, str]:
        return {f.id: f.folder_name for f in all_folders(ctx)}

    def _hidden(self, ctx: ScimContext) -> set[int]:
        return hidden_folders(ctx)

    def build(self, ctx: ScimContext, row, extra=None, names=None):
        names = names if names is not None else self._folder_names(ctx)
        rights = rights_for_role(row.folder_access_role_name, endpoint_mappings(ctx, "Container"),
                                 remembered_rights(extra))
        return self.model.model_validate(permission_to_scim(row, names.get(row.folder_id, ""), rights, extra,
                                                            base_url=scim_base_url(ctx)))

    def _load(self, ctx: ScimContext, resource_id: str):
        row = fetch_grant(ctx, resource_id, ctx.client.get_folder_permission)
        if row.folder_id in self._hidden(ctx):
            raise resource_not_found(resource_id)
        return row

    def _roles(self, ctx: ScimContext, rights: list[str]) -> tuple[str, str]:
        folder_role, unmapped = role_for_rights(rights, endpoint_mappings(ctx, "Container"))
        note_unmapped_rights(ctx, unmapped)
        secret_role, unmapped_data = secret_role_for_rights(rights, endpoint_mappings(ctx, "PrivilegedData"),
                                                            folder_role)
        note_unmapped_rights(ctx, unmapped_data)
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
        write = GrantWrite(resource, "container")
        if not write.has_one_principal:
            raise refuse(InvalidValueException(detail=MSG_PRINCIPAL_ONE))
        if write.target_id is None:
            raise refuse(InvalidValueException(detail=MSG_CONTAINER_UNKNOWN.format("")))
        try:
            folder = self.containers.visible_folder(ctx, write.target_id)
        except NotFoundException:
            raise refuse(InvalidValueException(detail=MSG_CONTAINER_UNKNOWN.format(write.target_id))) from None
        with secret_server(ctx, str(folder.id)):
            own = ctx.client.folder_permissions(folder.id)
        principal = write.principal
        if write.already_granted(own):
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
        write = GrantWrite(resource, "container")
        write.refuse_reference_changes(current, current.folder_id)
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
