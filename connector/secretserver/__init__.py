"""Secret Server client: the only code in the project that speaks HTTP to Secret Server.

Contract: ``shared/docs/secretserver-api.md`` (sections cited as §n in every method's docstring).

Construction::

    SecretServerClient(base_url, *, access_token=None, token_provider=None, timeout=None, verify=None,
                       max_response_bytes=None, retries=None)       # defaults from settings.SECRET_SERVER_*
    SecretServerClient.for_application_account(base_url, username, password, domain=None)
        # the application account; its token is cached in caches["default"] (see tokens.py)

A person's sign-in check: ``grant = SecretServerClient(url).password_grant(user, pw)`` then
``SecretServerClient(url, access_token=grant.access_token)`` (never cached).

Methods (lists return tuples and walk every page):

    password_grant(username, password, domain=None) -> TokenGrant        (never retried)
    revoke_token() -> bool
    healthcheck() -> Health                                              (anonymous)
    version() -> str
    current_user() -> CurrentUser                 .has_permission("Administer Role Permissions")
    get_user(id, include_inactive=False) -> User
    search_users(search_text=None, include_inactive=False, domain_id=None, *, user_ids=None) -> tuple[UserSummary]
    create_user(user_name, display_name, password, *, email_address="", enabled=True) -> User
    update_user(user, *, display_name=None, email_address=None, enabled=None, password=None) -> User
    user_groups(user_id) -> tuple[GroupMembership]
    search_groups(search_text=None, include_inactive=False, domain_id=None) -> tuple[Group]
    get_group(id) -> Group
    group_users(id, include_inactive=False) -> tuple[GroupMembership]
    create_group(name, *, enabled=True, fail_when_name_exists=True) -> Group
    update_group(id, *, name, enabled=True) -> Group
    delete_group(id) -> Deleted
    add_group_member(group_id, user_id) -> GroupMembership
    remove_group_member(group_id, user_id) -> Deleted
    patch_group_members(group_id, *, added=(), removed=()) -> bool         (one call, all or nothing)
    search_folders(search_text=None, parent_folder_id=None, *, limit_to_direct_descendants=False,
                   only_root=False, permission_required=None) -> tuple[Folder]
    get_folder(id, get_all_children=False) -> Folder
    folder_stub() -> Folder
    create_folder(name, parent_folder_id=-1, inherit_permissions=True) -> Folder
    delete_folder(id) -> Deleted
    folder_permissions(folder_id) -> tuple[FolderPermission]
    create_folder_permission(folder_id, folder_access_role_name, secret_access_role_name, *, user_id=None,
                             group_id=None, break_inheritance=False) -> FolderPermission
    search_secrets(folder_id=None, search_text=None, include_inactive=False, include_restricted=True, *,
                   include_sub_folders=False, secret_template_id=None, permission_required=None)
        -> tuple[SecretSummary]
    get_secret(id, include_inactive=False) -> Secret                     .field("password"), .with_values(...)
    secret_state(id) -> SecretState                                      .requires_approval, .accessible
    secret_stub(template_id, folder_id) -> Secret
    create_secret(stub, *, name=None, folder_id=None, fields={slug: value}) -> Secret
    update_secret(secret) -> Secret                                      (full PUT; retried)
    get_secret_field(id, slug) -> str
    update_secret_field(id, slug, value) -> str                          (retried: replaces one value)
    delete_secret(id) -> Deleted
    get_secret_template(id) -> SecretTemplate
    search_secret_templates(search_text=None, include_inactive=False) -> tuple[SecretTemplate]
    secret_permissions(secret_id=None, user_id=None, group_id=None) -> tuple[SecretPermission]
    create_secret_permission(secret_id, role, user_id=None, group_id=None) -> SecretPermission
    delete_secret_permission(id) -> Deleted
    set_security_approval(secret_id, require_approval_type, approver_group_ids) -> ApprovalSettings
    access_request_options(secret_id) -> AccessRequestOptions
    create_access_request(secret_id, comment, start, expiration, *, ticket_number=None) -> AccessRequest
    search_access_requests(status=None, is_my_request=None) -> tuple[AccessRequest]
    access_requests_for_secret(secret_id) -> tuple[AccessRequest]
    update_access_request(id, status, response_comment=None, start=None, expiration=None) -> AccessRequest

Errors (all subclasses of SecretServerError, which carries .status, .method, .path (no query),
.error_code, .body_excerpt (redacted) and .product_message):

    LoginFailed            token endpoint refused the credentials (or answered 2xx HTML)
      PasswordExpired      ... and its ``error`` text says "expired": show .product_message
    AccessDenied           errorCode API_AccessDenied
      ApprovalRequired     errorCode containing ApprovalRequired / ValidateSecretAccessApproval
    NotFound               404 or an errorCode naming a missing object
    AuthenticationFailed   401/403 on a bearer call (the client re-grants the app account's token once)
    ValidationFailed       400 with modelState; .field_errors {field: (messages,)}
    Unavailable            refused, reset, DNS, TLS, timeout/total deadline, 5xx, 429 (retried for GETs)
    UnexpectedResponse     HTML, wrong content type, invalid JSON, wrong shape, oversize, truncated
"""
from .client import SecretServerClient
from .errors import (
    AccessDenied,
    ApprovalRequired,
    AuthenticationFailed,
    LoginFailed,
    NotFound,
    PasswordExpired,
    SecretServerError,
    Unavailable,
    UnexpectedResponse,
    ValidationFailed,
)
from .tokens import CachedTokenProvider, StaticToken, TokenProvider, token_cache_key
from .types import (
    AccessRequest,
    AccessRequestOptions,
    ApprovalSettings,
    Approver,
    CurrentUser,
    Deleted,
    Folder,
    FolderPermission,
    Group,
    GroupMembership,
    Health,
    Secret,
    SecretItem,
    SecretPermission,
    SecretState,
    SecretSummary,
    SecretTemplate,
    TemplateField,
    TokenGrant,
    User,
    UserSummary,
    parse_datetime,
)

__all__ = [
    "SecretServerClient", "CachedTokenProvider", "StaticToken", "TokenProvider", "token_cache_key",
    "SecretServerError", "LoginFailed", "PasswordExpired", "AccessDenied", "ApprovalRequired", "NotFound",
    "AuthenticationFailed", "ValidationFailed", "Unavailable", "UnexpectedResponse",
    "AccessRequest", "AccessRequestOptions", "ApprovalSettings", "Approver", "CurrentUser", "Deleted", "Folder",
    "FolderPermission", "Group", "GroupMembership", "Health", "Secret", "SecretItem", "SecretPermission",
    "SecretState", "SecretSummary", "SecretTemplate", "TemplateField", "TokenGrant", "User", "UserSummary",
    "parse_datetime",
]
