"""SCIM PrivilegedDataPermissions ↔ Secret Server secret permissions (issue 12: "the same for PrivilegedData
mappings where secret permissions are set"; SailPoint's PAM collector reads this endpoint next to
ContainerPermissions).

As ContainerPermissions (scim.pam.permissions), on a secret: ``privilegedData`` + ``user`` or ``group`` +
``rights``; rights become the secret access role through the endpoint's PrivilegedData mappings (unmapped:
View, with the product's message on Messages). Only explicit rows are listed (Secret Server's list); rights
a secret inherits from its folder are its container's permissions. A secret is reached through
``GET /api/v1/secrets/{id}/state`` (which works for secrets needing a comment or an approval, whose
permissions can still be managed); secrets of the connector's own folder do not exist for SCIM.
"""
from __future__ import annotations

from scim2_models import ForbiddenException, InvalidValueException, NotFoundException, UniquenessException

from scim.pam.common import (
    MSG_PRINCIPAL_ONE,
    MSG_PRINCIPAL_UNKNOWN,
    cached_listing,
    endpoint_mappings,
    filter_equalities,
    scim_base_url,
    search_request_normalise,
    secret_rights_for_role,
    secret_role_from_rights,
)
from scim.pam.containers import hidden_folders
from scim.pam.grants import (
    GrantWrite,
    fetch_grant,
    grant_to_scim,
    note_unmapped_rights,
    remembered_rights,
    resource_not_found,
)
from scim.pam.privileged_data import all_secrets
from scim.pam.schemas import PRIVILEGED_DATA_PERMISSION_SCHEMA
from scim.services.cache import lists_invalidate
from scim.services.context import ScimContext, refuse, scim_write, secret_server
from scim.services.extras import extra_drop, extra_save, extras_for
from scim.services.search import page_of

KIND = "PrivilegedDataPermission"
MSG_SECRET_UNKNOWN = "'{0}' not found or disabled: privilegedData must be privileged data of this service"
MSG_DATA_PERMISSION_EXISTS = ("Attribute 'privilegedData' MUST be unique per user or group: {0} already has "
                              "rights on privileged data {1}; change them with PUT or PATCH")


def data_permission_to_scim(row, secret_name: str, rights: list[str], extra=None, *, base_url: str = "") -> dict:
    """The SCIM PrivilegedDataPermission for a secret permission row (pure)."""
    return grant_to_scim(row, schema=PRIVILEGED_DATA_PERMISSION_SCHEMA, resource_type=KIND,
                         target_attribute="privilegedData", target_resource="PrivilegedData",
                         target_id=row.secret_id, target_name=secret_name, rights=rights, extra=extra,
                         base_url=base_url)


def all_data_permissions(ctx: ScimContext):
    return cached_listing(ctx, "secret-permissions", lambda: ctx.client.secret_permissions())


class PrivilegedDataPermissionStore:
    kind = KIND

    def __init__(self, model):
        self.model = model

    def _hidden(self, ctx: ScimContext) -> set[int]:
        return hidden_folders(ctx)

    def _visible_secrets(self, ctx: ScimContext) -> dict[int, object]:
        hidden = self._hidden(ctx)
        return {s.id: s for s in all_secrets(ctx) if s.folder_id is None or s.folder_id not in hidden}

    def _secret_state(self, ctx: ScimContext, secret_id: int):
        """The secret's state if it is privileged data of this service, else None."""
        try:
            with secret_server(ctx, str(secret_id)):
                state = ctx.client.secret_state(secret_id)
        except (NotFoundException, ForbiddenException):
            return None
        if state.folder_id is not None and state.folder_id in self._hidden(ctx):
            return None
        return state

    def build(self, ctx: ScimContext, row, secret_name: str, extra=None):
        rights = secret_rights_for_role(row.secret_access_role_name, endpoint_mappings(ctx, "PrivilegedData"),
                                        remembered_rights(extra))
        return self.model.model_validate(data_permission_to_scim(row, secret_name, rights, extra,
                                                                 base_url=scim_base_url(ctx)))

    def _load(self, ctx: ScimContext, resource_id: str):
        row = fetch_grant(ctx, resource_id, ctx.client.get_secret_permission)
        state = self._secret_state(ctx, row.secret_id)
        if state is None:
            raise resource_not_found(resource_id)
        return row, state.secret_name

    def _role(self, ctx: ScimContext, rights: list[str]) -> str:
        role, unmapped = secret_role_from_rights(rights, endpoint_mappings(ctx, "PrivilegedData"))
        note_unmapped_rights(ctx, unmapped)
        return role

    # -- reads -----------------------------------------------------------------------------------------
    def get(self, ctx: ScimContext, resource_id: str, response_parameters=None):
        row, name = self._load(ctx, resource_id)
        return self.build(ctx, row, name, extras_for(ctx.endpoint_id, KIND, [row.id]).get(row.id))

    def search(self, ctx: ScimContext, search_request):
        search_request = search_request_normalise(search_request, self.model)
        wanted = filter_equalities(search_request.filter, {"privilegeddata.value"}).get("privilegeddata.value")
        if wanted is not None:  # one secret's permissions: one Secret Server call (plus its state)
            rows, names = (), {}
            if wanted.isdigit():
                state = self._secret_state(ctx, int(wanted))
                if state is not None:
                    with secret_server(ctx):
                        rows = ctx.client.secret_permissions(secret_id=int(wanted))
                    names = {int(wanted): state.secret_name}
        else:
            secrets = self._visible_secrets(ctx)
            names = {sid: s.name for sid, s in secrets.items()}
            rows = [r for r in all_data_permissions(ctx) if r.secret_id in secrets]
        rows = sorted(rows, key=lambda r: r.id)
        extras = extras_for(ctx.endpoint_id, KIND, [r.id for r in rows])
        return page_of(search_request, rows, lambda r: self.build(ctx, r, names.get(r.secret_id, ""),
                                                                 extras.get(r.id)))

    # -- writes ----------------------------------------------------------------------------------------
    def create(self, ctx: ScimContext, resource):
        write = GrantWrite(resource, "privilegedData")
        rights, external_id = write.rights, write.external_id
        if not write.has_one_principal:
            raise refuse(InvalidValueException(detail=MSG_PRINCIPAL_ONE))
        secret_id = write.target_id
        state = self._secret_state(ctx, secret_id) if secret_id is not None else None
        if state is None:
            raise refuse(InvalidValueException(detail=MSG_SECRET_UNKNOWN.format(secret_id or "")))
        principal = write.principal
        with secret_server(ctx, str(secret_id)):
            own = ctx.client.secret_permissions(secret_id=secret_id)
        if write.already_granted(own):
            raise refuse(UniquenessException(detail=MSG_DATA_PERMISSION_EXISTS.format(principal, secret_id)))
        role = self._role(ctx, rights)
        with scim_write(ctx, "scim.privileged_data_permission.create", target_type="ss_secret_permission",
                        target_repr=f"{principal} on secret {secret_id}",
                        message="POST /PrivilegedDataPermissions") as audit:
            try:
                with secret_server(ctx, principal):
                    row = ctx.client.create_secret_permission(secret_id, role, user_id=write.user_id,
                                                              group_id=write.group_id)
            except NotFoundException:
                raise refuse(InvalidValueException(detail=MSG_PRINCIPAL_UNKNOWN.format(principal))) from None
            audit.target_id = row.id
            extra = extra_save(ctx.endpoint_id, KIND, row.id, data={"rights": rights}, external_id=external_id)
            audit.after = {"secretId": secret_id, "principal": principal, "rights": rights,
                           "secretAccessRoleName": row.secret_access_role_name}
        lists_invalidate("secret-permissions")
        return self.build(ctx, row, state.secret_name, extra)

    def update(self, ctx: ScimContext, resource, expected_version=None):
        current, name = self._load(ctx, resource.id)
        write = GrantWrite(resource, "privilegedData")
        rights, external_id = write.rights, write.external_id
        write.refuse_reference_changes(current, current.secret_id)
        role = self._role(ctx, rights)
        with scim_write(ctx, "scim.privileged_data_permission.update", target_type="ss_secret_permission",
                        target_id=current.id, target_repr=f"secret {current.secret_id}",
                        before={"secretAccessRoleName": current.secret_access_role_name}) as audit:
            row = current
            if role != current.secret_access_role_name:
                with secret_server(ctx, str(current.id)):
                    row = ctx.client.update_secret_permission(current, role)
            extra = extra_save(ctx.endpoint_id, KIND, current.id, data={"rights": rights}, external_id=external_id)
            audit.after = {"rights": rights, "secretAccessRoleName": row.secret_access_role_name}
        lists_invalidate("secret-permissions")
        return self.build(ctx, row, name, extra)

    def delete(self, ctx: ScimContext, resource_id: str, expected_version=None):
        current, _name = self._load(ctx, resource_id)
        with scim_write(ctx, "scim.privileged_data_permission.delete", target_type="ss_secret_permission",
                        target_id=current.id, target_repr=f"secret {current.secret_id}",
                        before={"secretAccessRoleName": current.secret_access_role_name},
                        message="DELETE /PrivilegedDataPermissions"):
            with secret_server(ctx, str(current.id)):
                ctx.client.delete_secret_permission(current.id)
            extra_drop(ctx.endpoint_id, KIND, current.id)
        lists_invalidate("secret-permissions")
