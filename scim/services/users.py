"""SCIM Users ↔ Secret Server users (issue 11). Secret Server first, then the connector's extras, audited.

- Lists include inactive users (``active: false``); application accounts are never SCIM users.
- DELETE disables the Secret Server user (Secret Server keeps users for its audit) and marks it deleted
  for this endpoint: it then answers 404 and is absent from lists, until re-created (same userName →
  the same Secret Server user, re-enabled) or enabled again in Secret Server.
- Directory (domain) users are listed but refused for writes (``mutability``).
- ``userName`` is unique case-insensitively (409 ``uniqueness``; never a renamed user) and immutable:
  Secret Server has no rename for users.
"""
from __future__ import annotations

import logging
import re
from dataclasses import replace

from django.conf import settings
from pydantic import ValidationError
from scim2_models import (Context, InvalidFilterException, InvalidValueException, MutabilityException,
                          NotFoundException, UniquenessException)

from scim.errors import MSG_ATTRIBUTE_IMMUTABLE, MSG_ATTRIBUTE_REQUIRED, MSG_ATTRIBUTE_UNIQUE, \
    MSG_RESOURCE_NOT_FOUND, directory_object_refused
from scim.mapping import UNSET, is_directory_object, user_from_scim, user_to_scim
from scim.services.cache import cached_list, lists_invalidate
from scim.services.context import ScimContext, refuse, scim_write, secret_server
from scim.services.extras import extra_get, extra_mark_deleted, extra_save, extras_for, extras_of_endpoint, \
    ids_by_external_id
from scim.services.hints import filter_hints
from scim.services.passwords import password_generate
from scim.services.search import page_of

logger = logging.getLogger(__name__)
KIND = "User"
EVERYONE = "everyone"  # Secret Server's implicit group of every user: not a SCIM group (as in groups.py)
MSG_GROUPS_FILTER = ("Users cannot be filtered or sorted by 'groups'; filter Groups by members.value instead "
                     "(GET /Groups?filter=members.value eq \"<user id>\").")
TEXT_ATTRS = {"username": (None,), "displayname": (None,), "emails": (None, "value")}


def user_visible(user, extra) -> bool:
    """Served through SCIM: not an application account, not deleted through SCIM while still disabled."""
    if getattr(user, "is_application_account", False):
        return False
    return not (extra is not None and extra.deleted and not user.enabled)


class UserList(tuple):
    """The endpoint's cached Secret Server users, with an index of the values Secret Server's search text
    covers (user name, display name, email address), case-folded and compared whole.

    The index answers ``userName``/``displayName``/``emails.value eq`` lookups without scanning every user;
    whatever it finds, the whole SCIM filter is still applied afterwards, and when it finds nothing the
    caller asks Secret Server (``UserStore._candidates``).
    """

    def matching(self, text: str) -> tuple:
        index = self.__dict__.get("_index")
        if index is None:  # built once per loaded list; a race builds it twice, identically
            index = {}
            for user in self:
                for value in {(v or "").strip().casefold() for v in (user.user_name, user.display_name,
                                                                       user.email_address)}:
                    if value:
                        index.setdefault(value, []).append(user)
            self.__dict__["_index"] = index
        return tuple(index.get(text.strip().casefold(), ()))

    def extras(self, endpoint_id: int) -> dict:
        """The endpoint's extra rows of users, loaded once per list. Exact, not stale: only SCIM writes change
        them and every SCIM write of users drops this list (``lists_invalidate``) in every worker."""
        extras = self.__dict__.get("_extras")
        if extras is None:
            extras = self.__dict__["_extras"] = extras_of_endpoint(endpoint_id, KIND)
        return extras

    def visible(self, endpoint_id: int) -> list:
        """The users SCIM serves, in id order (what an unfiltered list pages through), computed once per list."""
        visible = self.__dict__.get("_visible")
        if visible is None:
            extras = self.extras(endpoint_id)
            visible = self.__dict__["_visible"] = sorted(
                (u for u in self if user_visible(u, extras.get(u.id))), key=lambda u: u.id)
        return visible


def all_users(ctx: ScimContext, *, load: bool = True):
    """Every Secret Server user (inactive included), cached per endpoint (see cache.py)."""
    def loader():
        with secret_server(ctx):
            return UserList(ctx.client.search_users(include_inactive=True))
    return cached_list("users", ctx.endpoint_id, loader, load=load)


class UserStore:
    kind = KIND

    def __init__(self, model):
        self.model = model

    # -- building ------------------------------------------------------------------------------------
    def build(self, user, extra, groups: list | None = None):
        """The SCIM User; ``groups`` (read-only, RFC 7643 §4.1.2) only when the caller fetched them.

        ``groups`` is added after ``meta.version`` is computed: the ETag stays that of the user's own
        attributes, so a PUT/PATCH (whose internal read does not fetch groups) matches a GET's ETag.
        """
        data = extra.data if extra is not None else None
        payload = user_to_scim(user, data, created=extra.created if extra else None,
                               last_modified=extra.last_modified if extra else None)
        if groups is not None:
            payload["groups"] = groups
        try:
            return self.model.model_validate(payload)
        except ValidationError:  # extras no longer valid under the schema: serve Secret Server's part
            logger.warning("SCIM user %s: stored extra attributes are invalid; served without them", user.id)
            fallback = user_to_scim(user, None)
            if groups is not None:
                fallback["groups"] = groups
            return self.model.model_validate(fallback)

    def groups_of(self, ctx: ScimContext, user_id: int) -> list[dict]:
        """The user's SCIM groups, from Secret Server's groups-of-user call (one call).

        The same groups the Groups resource serves: never ``Everyone`` or a system group. Secret Server's
        ``/users/{id}/groups`` does not list personal groups (UNCONFIRMED on a real server; the emulator
        follows it); when the endpoint's group list is cached, only groups in it are kept, which rules
        them out for certain without a further call.
        """
        from scim.services.groups import all_groups, group_served  # groups.py imports this module

        try:
            with secret_server(ctx, str(user_id)):
                rows = ctx.client.user_groups(user_id)
        except NotFoundException:
            return []
        cached = all_groups(ctx, load=False)
        served = {g.id for g in cached if group_served(g)} if cached is not None else None
        out, seen = [], set()
        for row in sorted(rows, key=lambda r: r.group_id):
            if row.group_id in seen or (row.group_name or "").strip().casefold() == EVERYONE:
                continue
            if served is not None and row.group_id not in served:
                continue
            seen.add(row.group_id)
            entry = {"value": str(row.group_id), "display": row.group_name, "type": "direct"}
            if ctx.request is not None:
                entry["$ref"] = ctx.request.build_absolute_uri(f"/v2/Groups/{row.group_id}")
            out.append(entry)
        return out

    def _load(self, ctx: ScimContext, resource_id: str):
        """(Secret Server user, extra row) of a visible user, or NotFoundException."""
        key = (KIND, str(resource_id))
        if key in ctx.memo:
            return ctx.memo[key]
        not_found = NotFoundException(detail=MSG_RESOURCE_NOT_FOUND.format(resource_id))
        if not str(resource_id).isdigit():
            raise not_found
        try:
            with secret_server(ctx, str(resource_id)):
                user = ctx.client.get_user(int(resource_id), include_inactive=True)
        except NotFoundException:
            raise not_found from None
        extra = extra_get(ctx.endpoint_id, KIND, user.id)
        if not user_visible(user, extra):
            raise not_found
        if extra is not None and extra.deleted:  # enabled again in Secret Server: no longer deleted through SCIM
            extra.deleted = False
            extra.save(update_fields=["deleted", "last_modified"])
            lists_invalidate("users")  # the cached list carries the extras (UserList.extras)
        ctx.memo[key] = (user, extra)
        return user, extra

    # -- reads ---------------------------------------------------------------------------------------
    def get(self, ctx: ScimContext, resource_id: str, response_parameters=None):
        """A read of the user. ``groups`` on a client's GET (``response_parameters`` given) unless excluded
        or left out of ``attributes``; never on the handler's own read before a PUT/PATCH/DELETE."""
        user, extra = self._load(ctx, resource_id)
        groups = self.groups_of(ctx, user.id) if wants_groups(response_parameters, by_default=True) else None
        return self.build(user, extra, groups)

    def _candidates(self, ctx: ScimContext, scim_filter, *, fresh: bool = False) -> tuple[list, UserList | None]:
        """(Secret Server users that may match, the endpoint's cached list if they all came from it).

        A ``userName``/``displayName``/``emails.value eq`` lookup is answered from the cached list (loaded
        when missing: one list call serves every lookup of the next ``SCIM_CACHE_SECONDS``); a value the
        list does not hold, and every lookup with ``fresh``, asks Secret Server instead.
        """
        hints = filter_hints(scim_filter.ast if scim_filter is not None else None, TEXT_ATTRS)
        if hints is None:
            users = all_users(ctx)
            return list(users), users
        # Load the list for a lookup only while lists are cached at all: with SCIM_CACHE_SECONDS = 0 each lookup
        # asks Secret Server by name (one call) instead of walking every user.
        cached = None if fresh else all_users(ctx, load=settings.SCIM_CACHE_SECONDS > 0 and
                                              any(h.kind == "text" for h in hints))
        found: dict[int, object] = {}
        from_cache = cached is not None
        for hint in hints:
            if hint.kind == "id":
                if hint.value.isdigit():
                    found.update(self._by_ids(ctx, [int(hint.value)], cached))
            elif hint.kind == "external":
                found.update(self._by_ids(ctx, ids_by_external_id(ctx.endpoint_id, KIND, hint.value), cached))
            elif cached is not None and cached.matching(hint.value):
                found.update({u.id: u for u in cached.matching(hint.value)})
            else:
                from_cache = False
                with secret_server(ctx):
                    found.update({u.id: u for u in ctx.client.search_users(search_text=hint.value,
                                                                           include_inactive=True)})
        return list(found.values()), cached if from_cache else None

    def _by_ids(self, ctx: ScimContext, ids, cached) -> dict:
        if cached is not None:
            wanted = set(ids)
            return {u.id: u for u in cached if u.id in wanted}
        out = {}
        for user_id in ids:
            try:
                with secret_server(ctx, str(user_id)):
                    out[user_id] = ctx.client.get_user(user_id, include_inactive=True)
            except NotFoundException:
                continue
        return out

    def search(self, ctx: ScimContext, search_request):
        """Lists and filters. ``groups`` only when ``attributes`` asks for it (one Secret Server call per user
        of the page, after paging): a list or a lookup by userName (Okta, Entra) costs no extra call.

        A lookup (hinted filter) answered from the cached list that matches nothing is asked again of
        Secret Server: "no such user" is never stale (a user created there directly is found at once)."""
        if _mentions_groups(search_request.filter) or _mentions_groups(search_request.sort_by):
            raise InvalidFilterException(detail=MSG_GROUPS_FILTER)
        candidates, cached = self._candidates(ctx, search_request.filter)
        hinted = search_request.filter is not None and \
            filter_hints(search_request.filter.ast, TEXT_ATTRS) is not None
        if cached is not None and not hinted:  # the whole list: its visible users are worked out once per list
            extras = cached.extras(ctx.endpoint_id)
            page = page_of(search_request, cached.visible(ctx.endpoint_id), lambda u: self.build(u, extras.get(u.id)))
        else:
            page = self._page(ctx, search_request, candidates, cached)
            if page.total == 0 and cached is not None:
                page = self._page(ctx, search_request, self._candidates(ctx, search_request.filter, fresh=True)[0],
                                  None)
        if wants_groups(search_request, by_default=False):
            for resource in page.resources:
                resource.groups = self.groups_of(ctx, int(resource.id)) or None  # validated on assignment
        return page

    def _page(self, ctx: ScimContext, search_request, candidates, cached: UserList | None):
        if cached is not None:
            extras = cached.extras(ctx.endpoint_id)
        else:
            extras = extras_for(ctx.endpoint_id, KIND, [u.id for u in candidates])
        visible = sorted((u for u in candidates if user_visible(u, extras.get(u.id))), key=lambda u: u.id)
        return page_of(search_request, visible, lambda u: self.build(u, extras.get(u.id)))

    # -- writes --------------------------------------------------------------------------------------
    @staticmethod
    def _payload(resource) -> dict:
        return resource.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE)

    def _same_name(self, ctx: ScimContext, user_name: str):
        """The Secret Server user with this name (case-insensitive), asked fresh: it decides a write."""
        with secret_server(ctx):
            matches = ctx.client.search_users(search_text=user_name, include_inactive=True)
        wanted = user_name.casefold()
        return next((u for u in matches if u.user_name.casefold() == wanted), None)

    def create(self, ctx: ScimContext, resource):
        write = _created(user_from_scim(self._payload(resource), resource.password))
        if not write.user_name:
            raise InvalidValueException(detail=MSG_ATTRIBUTE_REQUIRED.format("userName"))
        existing = self._same_name(ctx, write.user_name)
        if existing is not None:
            extra = extra_get(ctx.endpoint_id, KIND, existing.id)
            if not (extra is not None and extra.deleted and not existing.enabled) or existing.is_application_account:
                raise UniquenessException(detail=MSG_ATTRIBUTE_UNIQUE.format("userName"))
            return self._recreate(ctx, existing, write)
        with scim_write(ctx, "scim.user.create", target_type="ss_user", target_repr=write.user_name,
                        message="POST /Users") as audit:
            with secret_server(ctx, write.user_name):
                user = ctx.client.create_user(write.user_name, write.display_name,
                                              write.password or password_generate(),
                                              email_address=write.email_address,
                                              enabled=True if write.enabled is None else write.enabled)
            extra = extra_save(ctx.endpoint_id, KIND, user.id, data=write.extra, external_id=write.external_id)
            audit.target_id = user.id
            audit.after = _audit_view(user, password_set=bool(write.password))
        lists_invalidate("users")
        return self.build(user, extra)

    def _recreate(self, ctx: ScimContext, existing, write):
        """The userName was deleted through this endpoint: re-enable and reuse the same Secret Server user."""
        with scim_write(ctx, "scim.user.create", target_type="ss_user", target_id=existing.id,
                        target_repr=existing.user_name,
                        message="POST /Users: re-created, the user deleted through SCIM is enabled again") as audit:
            with secret_server(ctx, str(existing.id)):
                user = ctx.client.update_user(existing, display_name=write.display_name,
                                              email_address=write.email_address,
                                              enabled=True if write.enabled is None else write.enabled,
                                              password=write.password)
            extra = extra_save(ctx.endpoint_id, KIND, user.id, data=write.extra, external_id=write.external_id)
            audit.after = _audit_view(user, password_set=bool(write.password))
        lists_invalidate("users")
        return self.build(user, extra)

    def update(self, ctx: ScimContext, resource, expected_version=None):
        current, extra = self._load(ctx, resource.id)
        write = user_from_scim(self._payload(resource), resource.password)
        if is_directory_object(current.domain_id):
            raise refuse(directory_object_refused(KIND, "userName"))
        if write.user_name.casefold() != current.user_name.casefold():
            raise refuse(MutabilityException(detail=MSG_ATTRIBUTE_IMMUTABLE.format("userName")))
        changes = {}
        if write.display_name != current.display_name:
            changes["display_name"] = write.display_name
        if write.email_address != (current.email_address or ""):
            changes["email_address"] = write.email_address
        if write.enabled is not None and write.enabled != current.enabled:
            changes["enabled"] = write.enabled
        action = "scim.user.update"
        if changes.get("enabled") is False:
            action = "scim.user.deactivate"
        elif changes.get("enabled") is True:
            action = "scim.user.activate"
        with scim_write(ctx, action, target_type="ss_user", target_id=current.id, target_repr=current.user_name,
                        before=_audit_view(current)) as audit:
            user = current
            if changes or write.password:
                with secret_server(ctx, str(current.id)):
                    user = ctx.client.update_user(current, password=write.password, **changes)
            extra = extra_save(ctx.endpoint_id, KIND, current.id, data=write.extra, external_id=write.external_id)
            audit.after = _audit_view(user, password_set=bool(write.password))
        lists_invalidate("users")
        ctx.memo.pop((KIND, str(current.id)), None)
        return self.build(user, extra)

    def delete(self, ctx: ScimContext, resource_id: str, expected_version=None):
        current, _extra = self._load(ctx, resource_id)
        if is_directory_object(current.domain_id):
            raise refuse(directory_object_refused(KIND, "active"))
        with scim_write(ctx, "scim.user.delete", target_type="ss_user", target_id=current.id,
                        target_repr=current.user_name, before=_audit_view(current),
                        message="DELETE /Users: disabled in Secret Server (users are never deleted there)") as audit:
            if current.enabled:
                try:
                    with secret_server(ctx, str(current.id)):
                        current = ctx.client.update_user(current, enabled=False)
                except NotFoundException:
                    pass
            extra_mark_deleted(ctx.endpoint_id, KIND, current.id)
            audit.after = {"enabled": False, "deletedThroughScim": True}
        lists_invalidate("users")
        ctx.memo.pop((KIND, str(resource_id)), None)


def _attribute_names(paths) -> set[str]:
    return {str(p).lower().rsplit(":", 1)[-1].split(".")[0] for p in paths or []}


def wants_groups(parameters, *, by_default: bool) -> bool:
    """Whether a read serves ``groups``: asked in ``attributes``, or (``by_default``, single reads) not
    left out by ``attributes``/``excludedAttributes``. ``None`` (the handler's internal read): never."""
    if parameters is None:
        return False
    if "groups" in _attribute_names(getattr(parameters, "excluded_attributes", None)):
        return False
    attributes = getattr(parameters, "attributes", None)
    if attributes:
        return "groups" in _attribute_names(attributes)
    return by_default


def _mentions_groups(expression) -> bool:
    return expression is not None and re.search(r"(^|[^a-z])groups([^a-z]|$)", str(expression), re.I) is not None


def _created(write):
    """At creation a missing ``active`` means enabled (shown as ``active: true``), not "unset"."""
    unset = [n for n in write.extra.get(UNSET, ()) if n != "active"]
    extra = {k: v for k, v in write.extra.items() if k != UNSET}
    if unset:
        extra[UNSET] = unset
    return replace(write, extra=extra)


def _audit_view(user, *, password_set: bool = False) -> dict:
    view = {"userName": user.user_name, "displayName": user.display_name, "emailAddress": user.email_address,
            "enabled": user.enabled}
    if password_set:
        view["passwordChanged"] = True
    return view


def user_by_id(ctx: ScimContext, user_id: int):
    """A visible user by id for group membership checks (cached list when loaded), or None."""
    cached = all_users(ctx, load=False)
    if cached is not None:
        user = next((u for u in cached if u.id == user_id), None)
    else:
        try:
            with secret_server(ctx, str(user_id)):
                user = ctx.client.get_user(user_id, include_inactive=True)
        except NotFoundException:
            return None
    if user is None:
        return None
    return user if user_visible(user, extra_get(ctx.endpoint_id, KIND, user.id)) else None

