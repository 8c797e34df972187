"""SCIM Groups ↔ Secret Server groups (issue 11). Secret Server first, then the extras, audited.

- ``Everyone`` (and Secret Server's system and per-user personal groups) are not SCIM groups.
- Create never renames: an existing name (case-insensitive) answers 409 ``uniqueness``, checked first
  and backed by ``failWhenNameExists``.
- Members are users of this service. Members the service does not show (application accounts, users
  deleted through SCIM) are never touched: membership changes are the difference between the members
  shown and the members asked for.
- Directory (domain) groups are listed but refused for writes.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass

from pydantic import ValidationError
from scim2_models import Context, InvalidValueException, NotFoundException, UniquenessException

from scim.errors import MSG_ATTRIBUTE_REQUIRED, MSG_ATTRIBUTE_UNIQUE, MSG_MEMBER_UNKNOWN, MSG_RESOURCE_NOT_FOUND, \
    directory_object_refused
from scim.mapping import BadMemberValue, group_from_scim, group_to_scim, is_directory_object
from scim.services.cache import cached_list, lists_invalidate
from scim.services.context import ScimContext, refuse, scim_write, secret_server
from scim.services.extras import extra_drop, extra_get, extra_save, extras_for, ids_by_external_id
from scim.services.hints import filter_hints
from scim.services.search import page_of
from scim.services.users import KIND as USER_KIND, all_users, user_by_id, user_visible

logger = logging.getLogger(__name__)
KIND = "Group"
TEXT_ATTRS = {"displayname": (None,)}
EVERYONE = "everyone"


@dataclass(frozen=True)
class Member:
    id: int
    user_name: str
    display_name: str


def group_served(group) -> bool:
    return not group.system_group and group.name.strip().casefold() != EVERYONE


def all_groups(ctx: ScimContext, *, load: bool = True):
    def loader():
        with secret_server(ctx):
            return ctx.client.search_groups(include_inactive=True)
    return cached_list("groups", ctx.endpoint_id, loader, load=load)


def _wants_members(response_parameters) -> bool:
    """False for ``excludedAttributes=members`` (Entra) or an ``attributes`` list without members."""
    if response_parameters is None:
        return True
    def names(paths):
        return {str(p).lower().rsplit(":", 1)[-1].split(".")[0] for p in paths or []}
    if "members" in names(response_parameters.excluded_attributes):
        return False
    attributes = response_parameters.attributes
    return not attributes or "members" in names(attributes)


def _filter_mentions_members(scim_filter) -> bool:
    return scim_filter is not None and "members" in str(scim_filter).lower()


class GroupStore:
    kind = KIND

    def __init__(self, model):
        self.model = model

    # -- members ---------------------------------------------------------------------------------------
    def _hidden_user_ids(self, ctx: ScimContext, user_ids) -> set[int]:
        """Members the service does not show: application accounts and users deleted through SCIM."""
        users = {u.id: u for u in all_users(ctx)}
        extras = extras_for(ctx.endpoint_id, USER_KIND, list(user_ids))
        return {uid for uid in user_ids if uid not in users or not user_visible(users[uid], extras.get(uid))}

    def members(self, ctx: ScimContext, group_id: int) -> list[Member]:
        key = ("members", group_id)
        if key in ctx.memo:
            return ctx.memo[key]
        with secret_server(ctx, str(group_id)):
            rows = ctx.client.group_users(group_id, include_inactive=True)
        pairs = [(r.user_id, r) for r in rows if r.user_id is not None]
        hidden = self._hidden_user_ids(ctx, [uid for uid, _ in pairs])
        result = [Member(uid, r.user_name, r.display_name) for uid, r in pairs if uid not in hidden]
        ctx.memo[key] = result
        return result

    # -- building --------------------------------------------------------------------------------------
    def build(self, group, extra, members):
        data = extra.data if extra is not None else None
        payload = group_to_scim(group, members, data, created=extra.created if extra else None,
                                last_modified=extra.last_modified if extra else None)
        try:
            return self.model.model_validate(payload)
        except ValidationError:
            logger.warning("SCIM group %s: stored extra attributes are invalid; served without them", group.id)
            return self.model.model_validate(group_to_scim(group, members, None))

    def _load(self, ctx: ScimContext, resource_id: str):
        key = (KIND, str(resource_id))
        if key in ctx.memo:
            return ctx.memo[key]
        not_found = NotFoundException(detail=MSG_RESOURCE_NOT_FOUND.format(resource_id))
        if not str(resource_id).isdigit():
            raise not_found
        try:
            with secret_server(ctx, str(resource_id)):
                group = ctx.client.get_group(int(resource_id))
        except NotFoundException:
            raise not_found from None
        if not group_served(group):
            raise not_found
        extra = extra_get(ctx.endpoint_id, KIND, group.id)
        ctx.memo[key] = (group, extra)
        return group, extra

    # -- reads -----------------------------------------------------------------------------------------
    def get(self, ctx: ScimContext, resource_id: str, response_parameters=None):
        group, extra = self._load(ctx, resource_id)
        members = self.members(ctx, group.id) if _wants_members(response_parameters) else None
        return self.build(group, extra, members)

    def _candidates(self, ctx: ScimContext, scim_filter) -> list:
        hints = filter_hints(scim_filter.ast if scim_filter is not None else None, TEXT_ATTRS)
        cached = all_groups(ctx, load=False)
        if hints is None:
            return list(all_groups(ctx))
        found: dict[int, object] = {}
        for hint in hints:
            if hint.kind in ("id", "external"):
                ids = ([int(hint.value)] if hint.value.isdigit() else []) if hint.kind == "id" else \
                    ids_by_external_id(ctx.endpoint_id, KIND, hint.value)
                for group_id in ids:
                    try:
                        found[group_id] = self._load(ctx, str(group_id))[0]
                    except NotFoundException:
                        continue
            elif hint.kind == "member":
                if hint.value.isdigit():
                    try:
                        with secret_server(ctx, hint.value):
                            rows = ctx.client.user_groups(int(hint.value))
                    except NotFoundException:
                        rows = ()
                    wanted = {r.group_id for r in rows}
                    found.update({g.id: g for g in all_groups(ctx) if g.id in wanted})
            elif cached is not None:
                needle = hint.value.casefold()
                found.update({g.id: g for g in cached if needle in g.name.casefold()})
            else:
                with secret_server(ctx):
                    found.update({g.id: g for g in ctx.client.search_groups(search_text=hint.value,
                                                                            include_inactive=True)})
        return list(found.values())

    def search(self, ctx: ScimContext, search_request):
        candidates = sorted((g for g in self._candidates(ctx, search_request.filter) if group_served(g)),
                            key=lambda g: g.id)
        extras = extras_for(ctx.endpoint_id, KIND, [g.id for g in candidates])
        need_members_for_filter = _filter_mentions_members(search_request.filter) or (
            search_request.sort_by is not None and "members" in str(search_request.sort_by).lower())
        want_members = _wants_members(search_request)

        def build(group):
            members = self.members(ctx, group.id) if need_members_for_filter else None
            return self.build(group, extras.get(group.id), members)

        page = page_of(search_request, candidates, build)
        if want_members and not need_members_for_filter:  # members only for the page's groups
            by_id = {g.id: g for g in candidates}
            page.resources = [self.build(by_id[int(r.id)], extras.get(int(r.id)), self.members(ctx, int(r.id)))
                              for r in page.resources]
        return page

    # -- writes ----------------------------------------------------------------------------------------
    @staticmethod
    def _write(resource):
        try:
            return group_from_scim(resource.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE))
        except BadMemberValue as exc:
            raise refuse(InvalidValueException(detail=MSG_MEMBER_UNKNOWN.format(exc.args[0]))) from None

    def _name_taken(self, ctx: ScimContext, name: str, own_id: int | None = None) -> bool:
        with secret_server(ctx):
            matches = ctx.client.search_groups(search_text=name, include_inactive=True)
        wanted = name.casefold()
        return wanted == EVERYONE or any(g.name.casefold() == wanted and g.id != own_id for g in matches)

    def _check_members(self, ctx: ScimContext, ids) -> None:
        for user_id in ids:
            if user_by_id(ctx, user_id) is None:
                raise refuse(InvalidValueException(detail=MSG_MEMBER_UNKNOWN.format(user_id)))

    def _apply_members(self, ctx: ScimContext, group_id: int, add, remove) -> None:
        """Every membership change of one SCIM write in one Secret Server call (all or nothing)."""
        if not add and not remove:
            return
        with secret_server(ctx, str(group_id)):
            ctx.client.patch_group_members(group_id, added=sorted(add), removed=sorted(remove))

    def create(self, ctx: ScimContext, resource):
        write = self._write(resource)
        if not write.name:
            raise InvalidValueException(detail=MSG_ATTRIBUTE_REQUIRED.format("displayName"))
        if self._name_taken(ctx, write.name):
            raise UniquenessException(detail=MSG_ATTRIBUTE_UNIQUE.format("displayName"))
        self._check_members(ctx, write.member_ids)
        with scim_write(ctx, "scim.group.create", target_type="ss_group", target_repr=write.name,
                        message="POST /Groups") as audit:
            with secret_server(ctx, "displayName"):
                group = ctx.client.create_group(write.name, fail_when_name_exists=True)
            audit.target_id = group.id
            self._apply_members(ctx, group.id, write.member_ids, ())
            extra = extra_save(ctx.endpoint_id, KIND, group.id, data=write.extra, external_id=write.external_id)
            audit.after = {"name": group.name, "memberIds": list(write.member_ids)}
        lists_invalidate("groups")
        ctx.memo.pop(("members", group.id), None)
        return self.build(group, extra, self.members(ctx, group.id) if write.member_ids else [])

    def update(self, ctx: ScimContext, resource, expected_version=None):
        current, extra = self._load(ctx, resource.id)
        if is_directory_object(current.domain_id):
            raise refuse(directory_object_refused(KIND, "displayName"))
        write = self._write(resource)
        if not write.name:
            raise refuse(InvalidValueException(detail=MSG_ATTRIBUTE_REQUIRED.format("displayName")))
        shown = {m.id for m in self.members(ctx, current.id)}
        wanted = set(write.member_ids)
        add, remove = wanted - shown, shown - wanted
        renamed = write.name != current.name
        if renamed and write.name.casefold() != current.name.casefold() and self._name_taken(ctx, write.name,
                                                                                             current.id):
            raise refuse(UniquenessException(detail=MSG_ATTRIBUTE_UNIQUE.format("displayName")))
        self._check_members(ctx, add)
        with scim_write(ctx, "scim.group.update", target_type="ss_group", target_id=current.id,
                        target_repr=current.name, before={"name": current.name, "memberIds": sorted(shown)}) as audit:
            group = current
            if renamed:
                with secret_server(ctx, str(current.id)):
                    group = ctx.client.update_group(current.id, name=write.name, enabled=current.enabled)
            self._apply_members(ctx, current.id, add, remove)
            extra = extra_save(ctx.endpoint_id, KIND, current.id, data=write.extra, external_id=write.external_id)
            audit.after = {"name": group.name, "added": sorted(add), "removed": sorted(remove)}
        lists_invalidate("groups")
        ctx.memo.pop(("members", current.id), None)
        ctx.memo.pop((KIND, str(current.id)), None)
        return self.build(group, extra, self.members(ctx, current.id))

    def delete(self, ctx: ScimContext, resource_id: str, expected_version=None):
        current, _extra = self._load(ctx, resource_id)
        if is_directory_object(current.domain_id):
            raise refuse(directory_object_refused(KIND, "displayName"))
        with scim_write(ctx, "scim.group.delete", target_type="ss_group", target_id=current.id,
                        target_repr=current.name, message="DELETE /Groups"):
            with secret_server(ctx, str(current.id)):
                ctx.client.delete_group(current.id)
            extra_drop(ctx.endpoint_id, KIND, current.id)
        lists_invalidate("groups")
        ctx.memo.pop((KIND, str(resource_id)), None)
