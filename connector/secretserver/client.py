"""``SecretServerClient``: one method per Secret Server call the connector needs.

Every method cites its section of shared/docs/secretserver-api.md ("the doc"). Answers are parsed at once
into the frozen types of ``types.py``; failures raise the errors of ``errors.py``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from urllib.parse import quote

from . import errors as E
from . import types as T
from .tokens import CachedTokenProvider, StaticToken, TokenProvider, request_password_grant
from .transport import API_PREFIX, HttpResponse, Transport

__all__ = ["SecretServerClient"]

PAGE_SIZE = 1000
MAX_PAGES = 500


def _settings():
    from django.conf import settings

    return settings


def _seg(value) -> str:
    """One path segment: ints as-is, text percent-encoded (slugs)."""
    if isinstance(value, bool):
        raise TypeError("expected an id")
    if isinstance(value, int):
        return str(value)
    return quote(str(value), safe="")


class SecretServerClient:
    """A client for one Secret Server, with either a person's token, a token provider, or no token."""

    def __init__(self, base_url: str | None = None, *, access_token: str | None = None,
                 token_provider: TokenProvider | None = None, timeout: float | None = None,
                 verify: bool | str | None = None, max_response_bytes: int | None = None, retries: int | None = None,
                 transport: Transport | None = None):
        if access_token and token_provider:
            raise ValueError("pass access_token or token_provider, not both")
        if transport is None:
            s = _settings()
            transport = Transport(
                base_url or s.SECRET_SERVER_URL,
                timeout=s.SECRET_SERVER_TIMEOUT if timeout is None else timeout,
                verify=s.SECRET_SERVER_VERIFY_TLS if verify is None else verify,
                max_response_bytes=s.SECRET_SERVER_MAX_RESPONSE_BYTES if max_response_bytes is None else max_response_bytes,
                retries=s.SECRET_SERVER_RETRIES if retries is None else retries,
            )
        self.transport = transport
        self.base_url = transport.base_url
        self.token_provider: TokenProvider | None = StaticToken(access_token) if access_token else token_provider

    @classmethod
    def for_application_account(cls, base_url: str | None, username: str, password: str, domain: str | None = None,
                                **kwargs) -> "SecretServerClient":
        """A client whose token is the application account's, cached in the Django cache (see tokens.py)."""
        cache = kwargs.pop("cache", None)
        client = cls(base_url, **kwargs)
        client.token_provider = CachedTokenProvider(client.transport, username, password, domain, cache=cache)
        return client

    def __repr__(self) -> str:
        kind = type(self.token_provider).__name__ if self.token_provider else "anonymous"
        return f"SecretServerClient(base_url={self.base_url!r}, auth={kind})"

    def close(self) -> None:
        self.transport.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- plumbing -------------------------------------------------------------------------------------
    def _call(self, method: str, path: str, *, params=None, json_body=None, retry: bool | None = None,
              secrets=(), expect_json: bool = True, anonymous: bool = False, reauth: bool = True) -> HttpResponse:
        if retry is None:
            retry = method == "GET"
        full = API_PREFIX + path
        if anonymous:
            return self.transport.request(method, full, params=params, json_body=json_body, retry=retry,
                                          secrets=secrets, expect_json=expect_json)
        if self.token_provider is None:
            raise E.AuthenticationFailed("No token: construct the client with access_token or token_provider",
                                         method=method, path=full)
        token = self.token_provider.get_token()
        try:
            return self.transport.request(method, full, params=params, json_body=json_body, token=token,
                                          retry=retry, secrets=secrets, expect_json=expect_json)
        except E.AuthenticationFailed:
            # Drop the token, get a new one ONCE, retry the call ONCE. A second 403 propagates.
            if not reauth or not self.token_provider.invalidate(token):
                raise
            token = self.token_provider.get_token()
            return self.transport.request(method, full, params=params, json_body=json_body, token=token,
                                          retry=retry, secrets=secrets, expect_json=expect_json)

    @staticmethod
    def _parse(resp: HttpResponse, parser: Callable):
        try:
            return parser(resp.data)
        except (ValueError, TypeError, KeyError, AttributeError) as exc:
            raise E.UnexpectedResponse(f"Unexpected JSON shape ({type(exc).__name__})",
                                       status=resp.status, method=resp.method, path=resp.path) from None

    def _get(self, path, parser, **kw):
        return self._parse(self._call("GET", path, **kw), parser)

    def _pages(self, path: str, params: Mapping | None = None, *, page_size: int = PAGE_SIZE,
               max_pages: int = MAX_PAGES) -> Iterator:
        """Walk a paging envelope (§8) by ``hasNext``/``nextSkip``; never assumes ``take`` is honoured."""
        skip = 0
        for _ in range(max_pages):
            resp = self._call("GET", path, params={**(params or {}), "skip": skip, "take": page_size})
            data = resp.data
            if isinstance(data, list):  # a bare list: accept it as the only page
                yield from data
                return
            if not isinstance(data, dict):
                raise E.UnexpectedResponse("Expected a paging envelope", status=resp.status, method=resp.method,
                                           path=resp.path)
            env = {str(k).lower(): v for k, v in data.items()}
            records = env.get("records")
            if not isinstance(records, list):
                raise E.UnexpectedResponse("Paging envelope without records", status=resp.status,
                                           method=resp.method, path=resp.path)
            yield from records
            if not env.get("hasnext") or not records:
                return
            nxt = env.get("nextskip")
            if not isinstance(nxt, int) or isinstance(nxt, bool) or nxt <= skip:
                nxt = skip + len(records)
            skip = nxt
        raise E.UnexpectedResponse(f"More than {max_pages} pages; refusing to walk further", method="GET",
                                   path=API_PREFIX + path)

    def _list(self, path, parser, params=None, **kw) -> tuple:
        out = []
        for rec in self._pages(path, params, **kw):
            try:
                out.append(parser(rec))
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                raise E.UnexpectedResponse(f"Unexpected record shape ({type(exc).__name__})", method="GET",
                                           path=API_PREFIX + path) from None
        return tuple(out)

    # ---- §1 tokens -------------------------------------------------------------------------------------
    def password_grant(self, username: str, password: str, domain: str | None = None) -> T.TokenGrant:
        """§1 POST /oauth2/token grant_type=password; never retried; LoginFailed/PasswordExpired on refusal."""
        return request_password_grant(self.transport, username, password, domain)

    def revoke_token(self) -> bool:
        """§1 POST /api/v1/oauth-expiration: revoke the current bearer token (JSON boolean)."""
        token = self.token_provider.get_token() if self.token_provider else None
        resp = self._call("POST", "/oauth-expiration", retry=False, reauth=False)
        if token and self.token_provider:
            self.token_provider.invalidate(token)  # the app account's cached token is dead now
        return resp.data is True or (isinstance(resp.data, dict) and bool(resp.data.get("success", True)))

    # ---- §2 health ---------------------------------------------------------------------------------------
    def healthcheck(self) -> T.Health:
        """§2 GET /api/v1/healthcheck (anonymous); accepts ``Healthy`` or ``healthy``, or a text body."""
        resp = self._call("GET", "/healthcheck", anonymous=True, expect_json=False)
        text = resp.body.decode("utf-8", "replace").strip()
        if resp.content_type.endswith("json") or text[:1] in ("{", "["):
            import json

            try:
                data = json.loads(text)
            except ValueError:
                raise E.UnexpectedResponse("Invalid JSON", status=resp.status, method=resp.method,
                                           path=resp.path) from None
            return self._parse(HttpResponse(resp.status, resp.content_type, resp.body, resp.elapsed_ms,
                                            resp.method, resp.path, data), T.Health.from_json)
        if "html" in resp.content_type or text.startswith("<"):
            raise E.UnexpectedResponse("HTML instead of a health answer", status=resp.status, method=resp.method,
                                       path=resp.path)
        low = text.lower()
        return T.Health(healthy="healthy" in low and "unhealthy" not in low)

    def version(self) -> str:
        """§2 GET /api/v1/version -> ``model.version`` (or a top-level ``version``)."""

        def parse(data):
            obj = {str(k).lower(): v for k, v in data.items()}
            model = obj.get("model")
            if isinstance(model, dict):
                obj = {str(k).lower(): v for k, v in model.items()}
            v = obj.get("version")
            if not isinstance(v, str):
                raise ValueError("missing version")
            return v

        return self._get("/version", parse)

    # ---- §3 users and groups ---------------------------------------------------------------------------
    def current_user(self) -> T.CurrentUser:
        """§3 GET /api/v1/users/current (with role-permission names)."""
        return self._get("/users/current", T.CurrentUser.from_json)

    def get_user(self, user_id: int, include_inactive: bool = False) -> T.User:
        """§3 GET /api/v1/users/{id}."""
        return self._get(f"/users/{_seg(user_id)}", T.User.from_json,
                         params={"includeInactive": include_inactive} if include_inactive else None)

    def search_users(self, search_text: str | None = None, include_inactive: bool = False,
                     domain_id: int | None = None, *,
                     user_ids: list[int] | tuple[int, ...] | None = None) -> tuple[T.UserSummary, ...]:
        """§3 GET /api/v1/users (all pages); ``user_ids`` sends ``filter.userIds`` (repeated), so callers must
        still check the ids they get back (a server that ignores the filter answers everyone)."""
        return self._list("/users", T.UserSummary.from_json, {
            "filter.searchText": search_text, "filter.includeInactive": include_inactive,
            "filter.domainId": domain_id,
            "filter.userIds": [int(i) for i in user_ids] if user_ids else None})

    def create_user(self, user_name: str, display_name: str, password: str, *, email_address: str = "",
                    enabled: bool = True) -> T.User:
        """§3 POST /api/v1/users (UserCreateArgs); a password the local policy refuses -> ValidationFailed.

        Not retried: a create that timed out may have happened (the caller re-reads by name).
        """
        body = {"userName": user_name, "displayName": display_name, "password": password,
                "emailAddress": email_address or "", "enabled": bool(enabled), "isApplicationAccount": False}
        return self._parse(self._call("POST", "/users", json_body=body, retry=False, secrets=[password]),
                           T.User.from_json)

    def update_user(self, user: T.User | T.UserSummary, *, display_name: str | None = None,
                    email_address: str | None = None, enabled: bool | None = None,
                    password: str | None = None) -> T.User:
        """§3 PUT /api/v1/users/{id} (UserUpdateArgs, the whole object as the PowerShell module sends it).

        ``None`` keeps the current value; the password is sent only when given. Retried: the PUT is idempotent.
        """
        body = {"id": user.id, "userName": user.user_name,
                "displayName": user.display_name if display_name is None else display_name,
                "emailAddress": user.email_address if email_address is None else email_address,
                "enabled": user.enabled if enabled is None else bool(enabled),
                "isLockedOut": getattr(user, "is_locked_out", False),
                "isApplicationAccount": getattr(user, "is_application_account", False)}
        secrets = []
        if password:
            body["password"] = password
            secrets.append(password)
        return self._parse(self._call("PUT", f"/users/{_seg(user.id)}", json_body=body, retry=True,
                                      secrets=secrets), T.User.from_json)

    def user_groups(self, user_id: int) -> tuple[T.GroupMembership, ...]:
        """§3 GET /api/v1/users/{id}/groups (all pages)."""
        return self._list(f"/users/{_seg(user_id)}/groups", T.GroupMembership.from_json)

    def search_groups(self, search_text: str | None = None, include_inactive: bool = False,
                      domain_id: int | None = None) -> tuple[T.Group, ...]:
        """§3 GET /api/v1/groups (all pages)."""
        return self._list("/groups", T.Group.from_json, {
            "filter.searchText": search_text, "filter.includeInactive": include_inactive,
            "filter.domainId": domain_id})

    def get_group(self, group_id: int) -> T.Group:
        """§3 GET /api/v1/groups/{id}."""
        return self._get(f"/groups/{_seg(group_id)}", T.Group.from_json)

    def group_users(self, group_id: int, include_inactive: bool = False) -> tuple[T.GroupMembership, ...]:
        """§3 GET /api/v1/groups/{id}/users (all pages)."""
        return self._list(f"/groups/{_seg(group_id)}/users", T.GroupMembership.from_json,
                          {"filter.includeInactiveUsersForGroup": include_inactive or None})

    def create_group(self, name: str, *, enabled: bool = True, fail_when_name_exists: bool = True) -> T.Group:
        """§3 POST /api/v1/groups (GroupCreateArgs). ``failWhenNameExists`` is on by default: without it Secret
        Server creates the group under a suffixed name instead of refusing. Not retried."""
        body = {"name": name, "enabled": bool(enabled), "failWhenNameExists": bool(fail_when_name_exists)}
        return self._parse(self._call("POST", "/groups", json_body=body, retry=False), T.Group.from_json)

    def update_group(self, group_id: int, *, name: str, enabled: bool = True) -> T.Group:
        """§3 PUT /api/v1/groups/{id} (GroupUpdateArgs: ``id`` equal to the path); retried (idempotent)."""
        body = {"id": int(group_id), "name": name, "enabled": bool(enabled)}
        return self._parse(self._call("PUT", f"/groups/{_seg(group_id)}", json_body=body, retry=True),
                           T.Group.from_json)

    def delete_group(self, group_id: int) -> T.Deleted:
        """§3 DELETE /api/v1/groups/{id} -> DeletedModel (not retried)."""
        return self._parse(self._call("DELETE", f"/groups/{_seg(group_id)}", retry=False), T.Deleted.from_json)

    def add_group_member(self, group_id: int, user_id: int) -> T.GroupMembership:
        """§3 POST /api/v1/groups/{id}/users ``{"userId": N}`` -> GroupUserModel (not retried)."""
        resp = self._call("POST", f"/groups/{_seg(group_id)}/users", json_body={"userId": int(user_id)},
                          retry=False)
        if resp.data is True:  # a bare success flag: build the pair from what we sent
            return T.GroupMembership(int(group_id), "", int(user_id), "")
        return self._parse(resp, T.GroupMembership.from_json)

    def patch_group_members(self, group_id: int, *, added: list[int] | tuple[int, ...] = (),
                            removed: list[int] | tuple[int, ...] = ()) -> bool:
        """§3 PATCH /api/v1/groups/{id}/users (the bulk membership call the contract names; SPEC
        GroupMembershipPatchModel ``{"addedUserIds": [...], "removeUserIds": [...]}``): one round trip, all or
        nothing (docs/secretserver-api-extensions.md §2). Not retried."""
        body = {"addedUserIds": [int(i) for i in added], "removeUserIds": [int(i) for i in removed]}
        resp = self._call("PATCH", f"/groups/{_seg(group_id)}/users", json_body=body, retry=False)
        return resp.data is True or not isinstance(resp.data, dict) or bool(
            {str(k).lower(): v for k, v in resp.data.items()}.get("success", True))

    def remove_group_member(self, group_id: int, user_id: int) -> T.Deleted:
        """§3 DELETE /api/v1/groups/{id}/users/{userId} -> DeletedModel (not retried)."""
        return self._parse(self._call("DELETE", f"/groups/{_seg(group_id)}/users/{_seg(user_id)}", retry=False),
                           T.Deleted.from_json)

    # ---- §4 folders ------------------------------------------------------------------------------------
    def search_folders(self, search_text: str | None = None, parent_folder_id: int | None = None, *,
                       limit_to_direct_descendants: bool = False, only_root: bool = False,
                       permission_required: str | None = None) -> tuple[T.Folder, ...]:
        """§4 GET /api/v1/folders (all pages); match ``folder_name`` exactly yourself — searchText is a substring."""
        return self._list("/folders", T.Folder.from_json, {
            "filter.searchText": search_text, "filter.parentFolderId": parent_folder_id,
            "filter.limitToDirectDescendents": limit_to_direct_descendants or None,
            "filter.onlyIncludeRootFolders": only_root or None, "filter.permissionRequired": permission_required})

    def get_folder(self, folder_id: int, get_all_children: bool = False) -> T.Folder:
        """§4 GET /api/v1/folders/{id}."""
        return self._get(f"/folders/{_seg(folder_id)}", T.Folder.from_json,
                         params={"getAllChildren": True} if get_all_children else None)

    def folder_stub(self) -> T.Folder:
        """§4 GET /api/v1/folders/stub."""
        return self._get("/folders/stub", T.Folder.from_json)

    def create_folder(self, name: str, parent_folder_id: int = -1, inherit_permissions: bool = True, *,
                      folder_type_id: int = 1, inherit_secret_policy: bool | None = None) -> T.Folder:
        """§4 POST /api/v1/folders (not retried)."""
        body = {"folderName": name, "folderTypeId": folder_type_id, "parentFolderId": parent_folder_id,
                "inheritPermissions": inherit_permissions,
                "inheritSecretPolicy": (parent_folder_id not in (-1, None)) if inherit_secret_policy is None
                else inherit_secret_policy}
        return self._parse(self._call("POST", "/folders", json_body=body), T.Folder.from_json)

    def delete_folder(self, folder_id: int) -> T.Deleted:
        """§4 DELETE /api/v1/folders/{id} (not retried)."""
        return self._parse(self._call("DELETE", f"/folders/{_seg(folder_id)}"), T.Deleted.from_json)

    def update_folder(self, folder: T.Folder, *, name: str | None = None, parent_folder_id: int | None = None,
                      inherit_permissions: bool | None = None) -> T.Folder:
        """§4 PUT /api/v1/folders/{id} (FolderModel body; idempotent, retried). ``None`` keeps a value."""
        body = {"id": folder.id, "folderName": folder.folder_name if name is None else name,
                "parentFolderId": folder.parent_folder_id if parent_folder_id is None else parent_folder_id,
                "folderTypeId": folder.folder_type_id,
                "inheritPermissions": folder.inherit_permissions if inherit_permissions is None else inherit_permissions,
                "inheritSecretPolicy": folder.inherit_secret_policy, "secretPolicyId": folder.secret_policy_id}
        return self._parse(self._call("PUT", f"/folders/{_seg(folder.id)}", json_body=body, retry=True),
                           T.Folder.from_json)

    def all_folder_permissions(self) -> tuple[T.FolderPermission, ...]:
        """§4 GET /api/v1/folder-permissions without a folder filter: every own row the caller may view."""
        return self._list("/folder-permissions", T.FolderPermission.from_json, {})

    def get_folder_permission(self, permission_id: int) -> T.FolderPermission:
        """GET /api/v1/folder-permissions/{id} (EXTENSION, docs/secretserver-api-extensions.md §4)."""
        return self._get(f"/folder-permissions/{_seg(permission_id)}", T.FolderPermission.from_json)

    def update_folder_permission(self, permission_id: int, folder_access_role_name: str,
                                 secret_access_role_name: str) -> T.FolderPermission:
        """PUT /api/v1/folder-permissions/{id} (EXTENSION, body UNCONFIRMED; idempotent, retried)."""
        body = {"id": permission_id, "folderAccessRoleName": folder_access_role_name,
                "secretAccessRoleName": secret_access_role_name}
        return self._parse(self._call("PUT", f"/folder-permissions/{_seg(permission_id)}", json_body=body,
                                      retry=True), T.FolderPermission.from_json)

    def delete_folder_permission(self, permission_id: int) -> T.Deleted:
        """§4 DELETE /api/v1/folder-permissions/{id} (not retried)."""
        return self._parse(self._call("DELETE", f"/folder-permissions/{_seg(permission_id)}"), T.Deleted.from_json)

    def folder_permissions(self, folder_id: int) -> tuple[T.FolderPermission, ...]:
        """§4 GET /api/v1/folder-permissions?filter.folderId= (all pages)."""
        return self._list("/folder-permissions", T.FolderPermission.from_json, {"filter.folderId": folder_id})

    def create_folder_permission(self, folder_id: int, folder_access_role_name: str, secret_access_role_name: str,
                                 *, user_id: int | None = None, group_id: int | None = None,
                                 break_inheritance: bool = False) -> T.FolderPermission:
        """§4 POST /api/v1/folder-permissions (user_id or group_id; not retried)."""
        if (user_id is None) == (group_id is None):
            raise ValueError("pass exactly one of user_id and group_id")
        body = {"folderId": folder_id, "userId": user_id, "groupId": group_id,
                "folderAccessRoleName": folder_access_role_name, "secretAccessRoleName": secret_access_role_name,
                "breakInheritance": break_inheritance}
        return self._parse(self._call("POST", "/folder-permissions", json_body=body), T.FolderPermission.from_json)

    # ---- §5 secrets ------------------------------------------------------------------------------------
    def search_secrets(self, folder_id: int | None = None, search_text: str | None = None,
                       include_inactive: bool = False, include_restricted: bool = True, *,
                       include_sub_folders: bool = False, secret_template_id: int | None = None,
                       permission_required: str | None = None) -> tuple[T.SecretSummary, ...]:
        """§5 GET /api/v1/secrets (all pages; restricted secrets included by default)."""
        return self._list("/secrets", T.SecretSummary.from_json, {
            "filter.folderId": folder_id, "filter.searchText": search_text,
            "filter.includeInactive": include_inactive, "filter.includeRestricted": include_restricted,
            "filter.includeSubFolders": include_sub_folders or None, "filter.secretTemplateId": secret_template_id,
            "filter.permissionRequired": permission_required})

    def get_secret(self, secret_id: int, include_inactive: bool = False, *,
                   no_auto_checkout: bool = False) -> T.Secret:
        """§5 GET /api/v1/secrets/{id}; AccessDenied / ApprovalRequired per the "Decisions" table.

        ``no_auto_checkout``: a check-out secret is refused instead of being checked out to the caller.
        """
        params = {"includeInactive": True} if include_inactive else {}
        if no_auto_checkout:
            params["noAutoCheckout"] = True
        resp = self._call("GET", f"/secrets/{_seg(secret_id)}", params=params or None)
        return self._parse(resp, T.Secret.from_json)

    def secret_state(self, secret_id: int) -> T.SecretState:
        """§5 GET /api/v1/secrets/{id}/state — the preferred access probe (``secretState``, ``approvalEnd``)."""
        return self._get(f"/secrets/{_seg(secret_id)}/state", T.SecretState.from_json)

    def secret_stub(self, template_id: int, folder_id: int | None) -> T.Secret:
        """§5 GET /api/v1/secrets/stub?secretTemplateId=&folderId=."""
        return self._get("/secrets/stub", lambda d: T.Secret.from_json({"id": 0, **d}),
                         params={"secretTemplateId": template_id, "folderId": folder_id})

    def create_secret(self, stub: T.Secret, *, name: str | None = None, folder_id: int | None = None,
                      fields: Mapping[str, str | None] | None = None) -> T.Secret:
        """§5 POST /api/v1/secrets with the edited stub (name, folder, item values by slug); not retried."""
        secret = stub.with_values(name=name, folder_id=folder_id, **dict(fields or {}))
        body = secret.to_json()
        body.pop("id", None)
        return self._parse(self._call("POST", "/secrets", json_body=body, secrets=_values(secret)),
                           T.Secret.from_json)

    def update_secret(self, secret: T.Secret) -> T.Secret:
        """§5 PUT /api/v1/secrets/{id}: full replace (retried like a GET: it is idempotent)."""
        return self._parse(self._call("PUT", f"/secrets/{_seg(secret.id)}", json_body=secret.to_json(),
                                      retry=True, secrets=_values(secret)), T.Secret.from_json)

    def get_secret_field(self, secret_id: int, slug: str) -> str:
        """§5 GET /api/v1/secrets/{id}/fields/{slug} -> the value (a JSON string)."""
        def parse(d):
            if isinstance(d, (str, int, float)) and not isinstance(d, bool):
                return str(d)
            if isinstance(d, dict):
                v = {str(k).lower(): x for k, x in d.items()}.get("value")
                if isinstance(v, str):
                    return v
            if d is None:
                return ""
            raise ValueError("expected a JSON string")

        return self._get(f"/secrets/{_seg(secret_id)}/fields/{_seg(slug)}", parse)

    def update_secret_field(self, secret_id: int, slug: str, value: str) -> str:
        """§5 PUT /api/v1/secrets/{id}/fields/{slug} ``{"value": ...}``: replaces one value (idempotent, retried)."""
        resp = self._call("PUT", f"/secrets/{_seg(secret_id)}/fields/{_seg(slug)}", json_body={"value": value},
                          retry=True, secrets=[value])
        d = resp.data
        return d if isinstance(d, str) else value

    def delete_secret(self, secret_id: int) -> T.Deleted:
        """§5 DELETE /api/v1/secrets/{id} (deactivates; not retried)."""
        return self._parse(self._call("DELETE", f"/secrets/{_seg(secret_id)}"), T.Deleted.from_json)

    def get_secret_template(self, template_id: int) -> T.SecretTemplate:
        """§5 GET /api/v1/secret-templates/{id} (fields by ``fieldSlugName``)."""
        return self._get(f"/secret-templates/{_seg(template_id)}", T.SecretTemplate.from_json)

    def search_secret_templates(self, search_text: str | None = None,
                                include_inactive: bool = False) -> tuple[T.SecretTemplate, ...]:
        """§5 GET /api/v1/secret-templates (all pages; summaries, so ``fields`` is empty)."""
        return self._list("/secret-templates", T.SecretTemplate.from_json,
                          {"filter.searchText": search_text, "filter.includeInactive": include_inactive or None})

    # ---- §6 secret permissions ---------------------------------------------------------------------
    def secret_permissions(self, secret_id: int | None = None, user_id: int | None = None,
                           group_id: int | None = None) -> tuple[T.SecretPermission, ...]:
        """§6 GET /api/v1/secret-permissions?filter.secretId=&filter.userId=&filter.groupId= (all pages)."""
        return self._list("/secret-permissions", T.SecretPermission.from_json, {
            "filter.secretId": secret_id, "filter.userId": user_id, "filter.groupId": group_id})

    def create_secret_permission(self, secret_id: int, role: str, user_id: int | None = None,
                                 group_id: int | None = None) -> T.SecretPermission:
        """§6 POST /api/v1/secret-permissions (role: List, View, Edit, Owner; not retried)."""
        if (user_id is None) == (group_id is None):
            raise ValueError("pass exactly one of user_id and group_id")
        body = {"secretId": secret_id, "userId": user_id, "groupId": group_id, "secretAccessRoleName": role}
        return self._parse(self._call("POST", "/secret-permissions", json_body=body), T.SecretPermission.from_json)

    def get_secret_permission(self, permission_id: int) -> T.SecretPermission:
        """GET /api/v1/secret-permissions/{id} (EXTENSION, docs/secretserver-api-extensions.md §4)."""
        return self._get(f"/secret-permissions/{_seg(permission_id)}", T.SecretPermission.from_json)

    def update_secret_permission(self, permission: T.SecretPermission, role: str) -> T.SecretPermission:
        """§6 PUT /api/v1/secret-permissions/{id} ``{id, secretId, secretAccessRoleName}`` (idempotent, retried)."""
        body = {"id": permission.id, "secretId": permission.secret_id, "secretAccessRoleName": role}
        return self._parse(self._call("PUT", f"/secret-permissions/{_seg(permission.id)}", json_body=body,
                                      retry=True), T.SecretPermission.from_json)

    def delete_secret_permission(self, permission_id: int) -> T.Deleted:
        """§6 DELETE /api/v1/secret-permissions/{id} (not retried)."""
        return self._parse(self._call("DELETE", f"/secret-permissions/{_seg(permission_id)}"), T.Deleted.from_json)

    # ---- §7 access requests ----------------------------------------------------------------------------
    def set_security_approval(self, secret_id: int, require_approval_type: str,
                              approver_group_ids: list[int] | tuple[int, ...]) -> T.ApprovalSettings:
        """§7 PUT /api/v1/secrets/{id}/security-approval with the ``{"data":{f:{dirty,value}}}`` wrapper."""
        ids = [int(g) for g in approver_group_ids]
        body = {"data": {"requireApprovalType": {"dirty": True, "value": require_approval_type},
                         "approvers": {"dirty": True, "value": ids},
                         "workflowTemplateId": {"dirty": True, "value": 0}}}
        resp = self._call("PUT", f"/secrets/{_seg(secret_id)}/security-approval", json_body=body, retry=True)
        if resp.data is True or (isinstance(resp.data, dict) and not any(
                str(k).lower() in ("model", "data", "requireapprovaltype") for k in resp.data)):
            return T.ApprovalSettings(require_approval_type, tuple(T.Approver(g) for g in ids))
        return self._parse(resp, T.ApprovalSettings.from_json)

    def access_request_options(self, secret_id: int) -> T.AccessRequestOptions:
        """§7 GET /api/v1/secret-access-requests/secrets/{id}/options."""
        return self._get(f"/secret-access-requests/secrets/{_seg(secret_id)}/options",
                         T.AccessRequestOptions.from_json)

    def create_access_request(self, secret_id: int, comment: str, start: datetime, expiration: datetime, *,
                              ticket_number: str | None = None) -> T.AccessRequest:
        """§7 POST /api/v1/secret-access-requests (start/expiration sent as UTC ISO 8601; not retried)."""
        body = {"secretId": secret_id, "requestComment": comment, "startDate": T.format_datetime(start),
                "expirationDate": T.format_datetime(expiration)}
        if ticket_number:
            body["ticketNumber"] = ticket_number
        return self._parse(self._call("POST", "/secret-access-requests", json_body=body), T.AccessRequest.from_json)

    def search_access_requests(self, status: str | None = None, is_my_request: bool | None = None, *,
                               secret_id: int | None = None,
                               requesting_user_id: int | None = None) -> tuple[T.AccessRequest, ...]:
        """§7 GET /api/v1/secret-access-requests?filter.status=&filter.isMyRequest= (all pages).

        ``filter.secretId`` / ``filter.requestingUserId`` are an ASSUMED extension
        (docs/secretserver-api-extensions.md): a server that ignores them answers with more rows, so
        callers still filter what they get.
        """
        return self._list("/secret-access-requests", T.AccessRequest.from_json,
                          {"filter.status": status, "filter.isMyRequest": is_my_request,
                           "filter.secretId": secret_id, "filter.requestingUserId": requesting_user_id})

    def access_requests_for_secret(self, secret_id: int) -> tuple[T.AccessRequest, ...]:
        """§7 GET /api/v1/secret-access-requests/secrets/{secretId}: the caller's requests (all pages)."""
        return self._list(f"/secret-access-requests/secrets/{_seg(secret_id)}", T.AccessRequest.from_json)

    def update_access_request(self, request_id: int, status: str, response_comment: str | None = None,
                              start: datetime | None = None, expiration: datetime | None = None) -> T.AccessRequest:
        """§7 PUT /api/v1/secret-access-requests (Approved/Denied/Canceled; a transition, so not retried)."""
        body = {"secretAccessRequestId": request_id, "status": status, "responseComment": response_comment,
                "startDate": T.format_datetime(start) if start else None,
                "expirationDate": T.format_datetime(expiration) if expiration else None}
        return self._parse(self._call("PUT", "/secret-access-requests", json_body=body, retry=False),
                           T.AccessRequest.from_json)


def _values(secret: T.Secret) -> list[str]:
    return [i.item_value for i in secret.items if i.item_value]
