"""SCIM Containers ↔ Secret Server folders (issue 12). Secret Server first, then the extras, audited.

- ``name`` ↔ folder name (``displayName`` shows the same name, read-only); ``parent`` ↔ parent folder (empty
  or missing: the root, Secret Server's -1); ``inheritPermissions``/``inheritSecretPolicy``/``path`` are
  Secret Server's, read-only. New folders inherit (Secret Server's default); a grant through
  ContainerPermissions gives a folder its own permissions. ``externalId`` is kept as extra data.
- Names are unique among siblings (case-insensitive, as Secret Server): a clash is 409 ``uniqueness``.
- A folder holding secrets (active ones) or sub-folders is never deleted: 409 with a message that says
  why. SCIM never deletes secrets.
- The connector's own folder and everything below it are not containers of this service (scim.pam.common).
"""
from __future__ import annotations

import logging

from scim2_models import Context, ForbiddenException, InvalidValueException, NotFoundException, UniquenessException

from scim.errors import MSG_ATTRIBUTE_REQUIRED, MSG_ATTRIBUTE_UNIQUE, MSG_RESOURCE_NOT_FOUND
from scim.mapping import weak_etag
from scim.pam.common import (
    MSG_CONTAINER_HOLDS_CONTAINERS,
    MSG_CONTAINER_HOLDS_SECRETS,
    MSG_PARENT_UNKNOWN,
    ConflictException,
    cached_listing,
    connector_folder_id,
    hidden_folder_ids,
    reference_id,
    scim_base_url,
    search_request_normalise,
)
from scim.pam.schemas import CONTAINER_SCHEMA
from scim.services.cache import lists_invalidate
from scim.services.context import ScimContext, refuse, scim_write, secret_server
from scim.services.extras import extra_drop, extra_save, extras_for
from scim.services.search import page_of

logger = logging.getLogger(__name__)
KIND = "Container"
ROOT = -1


def _iso(value):
    return value.isoformat().replace("+00:00", "Z") if value else None


def container_to_scim(folder, extra=None, *, base_url: str = "") -> dict:
    """The SCIM Container for a Secret Server folder (pure). ``base_url`` ends with ``/v2`` (absolute ``$ref``)."""
    payload = {"schemas": [CONTAINER_SCHEMA], "id": str(folder.id),
               "name": folder.folder_name, "displayName": folder.folder_name}
    if extra is not None and extra.external_id:
        payload["externalId"] = extra.external_id
    if not folder.is_root:
        payload["parent"] = {"value": str(folder.parent_folder_id),
                             "$ref": f"{base_url}/Containers/{folder.parent_folder_id}".lstrip("/")}
    payload["inheritPermissions"] = bool(folder.inherit_permissions)
    payload["inheritSecretPolicy"] = bool(folder.inherit_secret_policy)
    if folder.folder_path:
        payload["path"] = folder.folder_path
    meta = {"resourceType": KIND, "version": weak_etag(payload)}
    if extra is not None:
        meta["created"], meta["lastModified"] = _iso(extra.created), _iso(extra.last_modified)
    payload["meta"] = meta
    return payload


class ContainerWrite:
    """What a SCIM Container asks of Secret Server (pure parse of the JSON the model dumps)."""

    def __init__(self, payload: dict):
        self.display_name = str(payload.get("displayName") or "").strip()
        self.plain_name = str(payload.get("name") or "").strip()
        self.name = self.display_name or self.plain_name
        try:
            parent = reference_id(payload, "parent")
        except ValueError as exc:
            raise refuse(InvalidValueException(detail=MSG_PARENT_UNKNOWN.format(exc.args[0]))) from None
        self.parent_id = ROOT if parent in (None, 0, -1) else parent
        self.external_id = str(payload.get("externalId") or "")


def all_folders(ctx: ScimContext, *, load: bool = True):
    return cached_listing(ctx, "folders", lambda: ctx.client.search_folders(), load=load)


def hidden_folders(ctx: ScimContext) -> set[int]:
    """The connector's own folder and its sub-folders: never PAM resources (nor the secrets in them)."""
    return hidden_folder_ids(all_folders(ctx), connector_folder_id(ctx))


def folders_changed() -> None:
    lists_invalidate("folders")
    lists_invalidate("folder-permissions")


class ContainerStore:
    kind = KIND

    def __init__(self, model):
        self.model = model

    def _visible(self, ctx: ScimContext) -> dict[int, object]:
        folders = all_folders(ctx)
        hidden = hidden_folder_ids(folders, connector_folder_id(ctx))
        return {f.id: f for f in folders if f.id not in hidden}

    def visible_folder(self, ctx: ScimContext, folder_id: int, *, fresh: bool = True):
        """The folder if it is a container of this service; NotFoundException otherwise."""
        not_found = NotFoundException(detail=MSG_RESOURCE_NOT_FOUND.format(folder_id))
        key = (KIND, folder_id)
        if key in ctx.memo:
            return ctx.memo[key]
        hidden = hidden_folders(ctx)
        if folder_id in hidden or folder_id <= 0:
            raise not_found
        if not fresh:
            cached = {f.id: f for f in all_folders(ctx)}.get(folder_id)
            if cached is not None:
                return cached
        try:
            with secret_server(ctx, str(folder_id)):
                folder = ctx.client.get_folder(folder_id)
        except (NotFoundException, ForbiddenException):  # Secret Server answers Access Denied for unknown ids
            raise not_found from None
        ctx.memo[key] = folder
        return folder

    def build(self, ctx: ScimContext, folder, extra=None, by_id=None):
        return self.model.model_validate(container_to_scim(folder, extra, base_url=scim_base_url(ctx)))

    # -- reads -----------------------------------------------------------------------------------------
    def get(self, ctx: ScimContext, resource_id: str, response_parameters=None):
        if not str(resource_id).isdigit():
            raise NotFoundException(detail=MSG_RESOURCE_NOT_FOUND.format(resource_id))
        folder = self.visible_folder(ctx, int(resource_id))
        extra = extras_for(ctx.endpoint_id, KIND, [folder.id]).get(folder.id)
        return self.build(ctx, folder, extra)

    def search(self, ctx: ScimContext, search_request):
        search_request = search_request_normalise(search_request, self.model)
        by_id = self._visible(ctx)
        candidates = sorted(by_id.values(), key=lambda f: f.id)
        extras = extras_for(ctx.endpoint_id, KIND, [f.id for f in candidates])
        return page_of(search_request, candidates, lambda f: self.build(ctx, f, extras.get(f.id), by_id))

    # -- writes ----------------------------------------------------------------------------------------
    def _write(self, ctx: ScimContext, resource) -> ContainerWrite:
        write = ContainerWrite(resource.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
        if not write.name:
            raise refuse(InvalidValueException(detail=MSG_ATTRIBUTE_REQUIRED.format("displayName")))
        if write.parent_id != ROOT:
            try:
                self.visible_folder(ctx, write.parent_id, fresh=False)
            except NotFoundException:
                raise refuse(InvalidValueException(detail=MSG_PARENT_UNKNOWN.format(write.parent_id))) from None
        return write

    def _sibling_taken(self, ctx: ScimContext, name: str, parent_id: int, own_id: int | None = None) -> bool:
        """Asked of Secret Server (never the cache): the answer decides a write."""
        with secret_server(ctx):
            siblings = ctx.client.search_folders(search_text=name, parent_folder_id=None if parent_id == ROOT
                                                 else parent_id, limit_to_direct_descendants=parent_id != ROOT,
                                                 only_root=parent_id == ROOT)
        wanted = name.casefold()
        return any(f.folder_name.casefold() == wanted and f.id != own_id and
                   (f.parent_folder_id == parent_id or (parent_id == ROOT and f.is_root)) for f in siblings)

    def create(self, ctx: ScimContext, resource):
        write = self._write(ctx, resource)
        if self._sibling_taken(ctx, write.name, write.parent_id):
            raise refuse(UniquenessException(detail=MSG_ATTRIBUTE_UNIQUE.format("displayName")))
        with scim_write(ctx, "scim.container.create", target_type="ss_folder", target_repr=write.name,
                        message="POST /Containers") as audit:
            with secret_server(ctx, "displayName"):
                folder = ctx.client.create_folder(write.name, write.parent_id, True)
            audit.target_id = folder.id
            extra = extra_save(ctx.endpoint_id, KIND, folder.id, data={}, external_id=write.external_id)
            audit.after = {"name": folder.folder_name, "parentFolderId": folder.parent_folder_id,
                           "inheritPermissions": folder.inherit_permissions}
        folders_changed()
        return self.build(ctx, folder, extra)

    def update(self, ctx: ScimContext, resource, expected_version=None):
        current = self.visible_folder(ctx, int(resource.id))
        write = self._write(ctx, resource)
        # name and displayName are one folder name: whichever the client changed wins (displayName first)
        write.name = next((n for n in (write.display_name, write.plain_name) if n and n != current.folder_name),
                          current.folder_name)
        renamed = write.name != current.folder_name
        moved = write.parent_id != (ROOT if current.is_root else current.parent_folder_id)
        if (renamed or moved) and self._sibling_taken(ctx, write.name, write.parent_id, current.id):
            raise refuse(UniquenessException(detail=MSG_ATTRIBUTE_UNIQUE.format("displayName")))
        before = {"name": current.folder_name, "parentFolderId": current.parent_folder_id,
                  "inheritPermissions": current.inherit_permissions}
        with scim_write(ctx, "scim.container.update", target_type="ss_folder", target_id=current.id,
                        target_repr=current.folder_name, before=before) as audit:
            folder = current
            if moved and write.parent_id == ROOT and current.inherit_permissions:
                # A root folder has only its own permissions: keep the ones it has now (copied from its parent),
                # or nobody, the application account included, could see it once moved.
                with secret_server(ctx, str(current.id)):
                    folder = ctx.client.update_folder(current, inherit_permissions=False)
                audit.message = "PATCH/PUT via SCIM: moved to the root; its inherited permissions were copied"
            if renamed or moved:
                with secret_server(ctx, str(current.id)):
                    folder = ctx.client.update_folder(folder, name=write.name, parent_folder_id=write.parent_id)
            extra = extra_save(ctx.endpoint_id, KIND, current.id, data={}, external_id=write.external_id)
            audit.after = {"name": folder.folder_name, "parentFolderId": folder.parent_folder_id,
                           "inheritPermissions": folder.inherit_permissions}
        folders_changed()
        ctx.memo.pop((KIND, current.id), None)
        return self.build(ctx, folder, extra)

    def delete(self, ctx: ScimContext, resource_id: str, expected_version=None):
        if not str(resource_id).isdigit():
            raise NotFoundException(detail=MSG_RESOURCE_NOT_FOUND.format(resource_id))
        current = self.visible_folder(ctx, int(resource_id))
        with scim_write(ctx, "scim.container.delete", target_type="ss_folder", target_id=current.id,
                        target_repr=current.folder_name, message="DELETE /Containers"):
            with secret_server(ctx, str(current.id)):
                children = ctx.client.search_folders(parent_folder_id=current.id, limit_to_direct_descendants=True)
                secrets = ctx.client.search_secrets(folder_id=current.id, include_restricted=True)
            if any(s.folder_id == current.id and s.active for s in secrets):
                raise refuse(ConflictException(detail=MSG_CONTAINER_HOLDS_SECRETS.format(current.folder_name)))
            if any(c.parent_folder_id == current.id for c in children):
                raise refuse(ConflictException(detail=MSG_CONTAINER_HOLDS_CONTAINERS.format(current.folder_name)))
            with secret_server(ctx, str(current.id)):
                ctx.client.delete_folder(current.id)
            extra_drop(ctx.endpoint_id, KIND, current.id)
        folders_changed()
        ctx.memo.pop((KIND, current.id), None)
