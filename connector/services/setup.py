"""First-time setup: check the administrator and the application account, then make sure the SCIM folder
and the SCIMSecret exist in Secret Server with the right shares, and keep the local bootstrap record.

``secretserver_setup`` is idempotent (re-running reuses the folder and the secret) and is what both the
"Secret Server" settings page and ``manage.py configure_secretserver`` call. ``scim_objects_recreate`` is the
"recreate" button once the folder or the secret was deleted in Secret Server. ``setup_status`` says whether
they are still there. Every attempt is audited; no password ever reaches an audit row, a log or a message.
"""
from __future__ import annotations

import logging
import secrets as pysecrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from connector.configuration import ConnectorSettings, SettingsDocument, SettingsDocumentError
from connector.crypto import encrypt_secret
from connector.models import ConnectorBootstrap, FolderMirror, SettingsMirror
from connector.secretserver import (
    AccessDenied,
    LoginFailed,
    NotFound,
    PasswordExpired,
    SecretServerClient,
    SecretServerError,
    Unavailable,
    User,
    ValidationFailed,
    token_cache_key,
)
from connector.errors import ConnectorError
from connector.messages import (
    MSG_APP_MISSING_PERMISSION,
    MSG_CONNECTION_SUCCESSFUL,
    MSG_FOLDER_DELETED,
    MSG_INCORRECT,
    MSG_INVALID_APP_ACCOUNT,
    MSG_LOGIN_AS_ADMINISTRATOR,
    MSG_NOT_CONFIGURED,
    MSG_REPROVE_ON_CURRENT,
    MSG_SECRET_DELETED,
    MSG_UNAVAILABLE,
    MSG_URL_HTTPS,
    MSG_URL_INVALID,
    MSG_URL_NOT_ALLOWED,
)
from connector.services.audit import audited
from connector.services.configuration_service import settings_cache_clear
from connector.services.failures import translates_secretserver_errors
from connector.services.connection import (
    WEB_PASSWORD_TEMPLATE_ID,
    anonymous_client,
    app_client,
    bootstrap_get,
    bootstrap_require,
    connector_hostname,
    person_client,
    scim_folder_name,
    scim_secret_name,
)
from connector.services.status_cache import status_cached

logger = logging.getLogger(__name__)

CONNECTION_SUCCESSFUL = MSG_CONNECTION_SUCCESSFUL
UNAVAILABLE = MSG_UNAVAILABLE
INCORRECT_LOGIN = MSG_INCORRECT
LOGIN_AS_ADMINISTRATOR = MSG_LOGIN_AS_ADMINISTRATOR
INVALID_APP_ACCOUNT = MSG_INVALID_APP_ACCOUNT
APP_MISSING_PERMISSION = MSG_APP_MISSING_PERMISSION
URL_MUST_BE_HTTPS = MSG_URL_HTTPS
URL_INVALID = MSG_URL_INVALID
FOLDER_DELETED = MSG_FOLDER_DELETED
SECRET_DELETED = MSG_SECRET_DELETED

ADMIN_PERMISSION = "Administer Role Permissions"
# What the application account does: create the root folder, create and own secrets in it (the SCIMSecret
# and one secret per endpoint), read and edit them, delete endpoints, and provision users and groups.
REQUIRED_APP_PERMISSIONS = ("Create Root Folders", "Add Secret", "View Secret", "Edit Secret", "Own Secret",
                            "Delete Secret", "Administer Users", "Administer Groups")
APPROVAL_TYPE = "RequireEditorsApproval"  # "Standard including Editors": owners and approvers need none
# What a share does under APPROVAL_TYPE (the vendor documents giving access as sharing as Owner): shown on the
# setup result, on the sign-in page of a person whose access still needs approval, and in the README.
SHARE_AS_OWNER = ("Access to the connector is given by sharing the SCIMSecret as Owner in Secret Server. A View or "
                  "Edit share is not enough: viewers and editors still need an approved access request.")
EVERYONE_GROUP = "Everyone"


class SetupError(ConnectorError):
    """Setup refused; ``message`` is the product's wording, ``field`` the form field it belongs next to.

    ``outcome`` "failure" (the input was wrong: 400) or "error" (Secret Server failed: 503)."""

    def __init__(self, message: str, field: str | None = None, *, outcome: str = "failure"):
        super().__init__(message, field_errors={field: message} if field else None,
                         status=400 if outcome == "failure" else 503)
        self.field = field
        self.audit_outcome = outcome


@dataclass(frozen=True)
class SetupResult:
    folder_id: int
    secret_id: int
    folder_created: bool
    secret_created: bool
    message: str = CONNECTION_SUCCESSFUL
    folder_name: str = ""
    secret_name: str = ""

    @property
    def summary(self) -> str:
        """The result as the person who ran the setup reads it: what is where, and how to give access."""
        return (f"SCIM folder “{self.folder_name}” (#{self.folder_id}) and SCIMSecret “{self.secret_name}” "
                f"(#{self.secret_id}) are in place. {SHARE_AS_OWNER}")


@dataclass(frozen=True)
class SetupStatus:
    configured: bool
    reachable: bool | None = None
    folder_present: bool | None = None
    secret_present: bool | None = None
    problem: str = ""
    folder_name: str = ""
    secret_name: str = ""

    @property
    def needs_recreate(self) -> bool:
        return self.configured and (self.folder_present is False or self.secret_present is False)


def url_check(url: str, *, allow_http: bool) -> str:
    """The normalised Secret Server URL, or SetupError (invalid, or http when not allowed)."""
    url = (url or "").strip().rstrip("/")
    try:
        parts = urlsplit(url)
    except ValueError:
        raise SetupError(URL_INVALID, "url") from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise SetupError(URL_INVALID, "url")
    if parts.scheme.lower() == "http" and not allow_http:
        raise SetupError(URL_MUST_BE_HTTPS, "url")
    return url


def url_identity(url: str) -> tuple[str, str, int | None, str]:
    """What makes two Secret Server URLs the same server: scheme, host and port (case-insensitive, default
    port implied) and the path (case-insensitive like IIS, trailing slash ignored)."""
    parts = urlsplit((url or "").strip())
    scheme = parts.scheme.lower()
    try:
        port = parts.port
    except ValueError:
        port = -1
    if port == {"http": 80, "https": 443}.get(scheme):
        port = None
    return scheme, (parts.hostname or "").lower(), port, parts.path.rstrip("/").lower()


def allowed_secret_server_urls() -> list[str]:
    """The Secret Server URLs the operator allowed in the environment: SECRET_SERVER_URL and
    SECRET_SERVER_ALLOWED_URLS. Setup targets nothing else, so nobody on the setup page can repoint the
    connector (and every person's sign-in password) at another server, or use the form to probe a network."""
    urls = [settings.SECRET_SERVER_URL, *getattr(settings, "SECRET_SERVER_ALLOWED_URLS", [])]
    return [u.strip() for u in urls if u and u.strip()]


def url_allowed(url: str) -> bool:
    return url_identity(url) in {url_identity(allowed) for allowed in allowed_secret_server_urls()}


def _admin_prove(url: str, username: str, password: str, domain: str | None) -> User:
    """The person holds ``Administer Role Permissions`` on the Secret Server at ``url``; their user record."""
    client = _grant(url, username, password, domain, SetupError(INCORRECT_LOGIN, "admin_username"))
    try:
        return _administrator_of(client)
    finally:
        _revoke_quietly(client)


def _administrator_of(client: SecretServerClient) -> User:
    """The signed-in person's user record, if they hold ``Administer Role Permissions``; else SetupError."""
    me = client.current_user()
    if not me.has_permission(ADMIN_PERMISSION):
        raise SetupError(LOGIN_AS_ADMINISTRATOR, "admin_username")
    return client.get_user(me.id)


def _reprove_on_current(current_url: str, username: str, password: str, domain: str | None) -> None:
    """Changing where passwords go needs an administrator of the Secret Server configured *now*."""
    try:
        _admin_prove(current_url, username, password, domain)
    except SetupError as exc:
        if exc.field == "admin_username" and exc.message in (INCORRECT_LOGIN, LOGIN_AS_ADMINISTRATOR):
            raise SetupError(MSG_REPROVE_ON_CURRENT, "admin_username") from None
        raise


def _unavailable(exc: Exception | None = None) -> SetupError:
    return SetupError(UNAVAILABLE, outcome="error")


def _grant(url: str, username: str, password: str, domain: str | None, on_login_failed: SetupError):
    try:
        with anonymous_client(url) as anonymous:
            grant = anonymous.password_grant(username, password, domain or None)
    except PasswordExpired as exc:
        raise SetupError(exc.product_message, on_login_failed.field) from None
    except LoginFailed:
        raise on_login_failed from None
    except Unavailable:
        raise _unavailable() from None
    return person_client(grant.access_token, url)


def _revoke_quietly(client: SecretServerClient | None) -> None:
    if client is None:
        return
    try:
        client.revoke_token()
    except Exception:  # best effort: the token expires on its own
        pass
    finally:
        client.close()


def _placeholder_password() -> str:
    # Deliberately NOT the application account's password: the SCIMSecret is shared (View) with Everyone
    # and every approved requester can read it. The real password stays only in the encrypted local record.
    return pysecrets.token_urlsafe(24)


def _initial_settings_document() -> SettingsDocument:
    """Defaults for a brand-new SCIMSecret; after a deletion, the last mirrored settings (next revision)."""
    row = SettingsMirror.objects.filter(singleton=1).first()
    if row is not None:
        try:
            return SettingsDocument(ConnectorSettings(**{**ConnectorSettings().as_dict(), **row.settings}),
                                    row.revision + 1)
        except TypeError:
            pass
    return SettingsDocument(ConnectorSettings(), 1)


def _folder_ensure(client: SecretServerClient, name: str) -> tuple[int, bool]:
    for folder in client.search_folders(search_text=name):
        if folder.folder_name == name and folder.is_root:
            return folder.id, False
    try:
        return client.create_folder(name, parent_folder_id=-1).id, True
    except AccessDenied:
        raise SetupError(APP_MISSING_PERMISSION, "app_username") from None
    except ValidationFailed:
        raise SetupError(f"A folder named '{name}' exists in Secret Server but the application account cannot "
                         "use it. Share it with the application account (Owner) and try again.") from None


def _holds_settings_document(client: SecretServerClient, secret_id: int) -> bool:
    """Is this secret a SCIMSecret: the Web Password template, its notes a connector settings document?"""
    try:
        secret = client.get_secret(secret_id)
        SettingsDocument.from_json(secret.field("notes"))
    except (NotFound, AccessDenied, SettingsDocumentError):
        return False
    return secret.active and secret.secret_template_id == WEB_PASSWORD_TEMPLATE_ID


def _secret_ensure(client: SecretServerClient, *, name: str, folder_id: int, ss_url: str,
                   app_username: str, known_secret_id: int | None = None) -> tuple[int, bool]:
    """The SCIMSecret's id, creating it when none qualifies.

    Only the connector's own secret is adopted (it is then shared with Everyone, so adopting a stranger
    would expose its password): a secret of the Web Password template whose notes hold a settings
    document, either in the connector's folder or, after the folder was recreated, the very secret the
    bootstrap record names. Anything else that merely carries the name (an endpoint or a person's secret
    called "SCIMSecret …") is left alone.
    """
    found = [s for s in client.search_secrets(search_text=name) if s.name == name and s.active
             and s.secret_template_id in (None, WEB_PASSWORD_TEMPLATE_ID)]
    for summary in [s for s in found if s.folder_id == folder_id]:
        if _holds_settings_document(client, summary.id):
            return summary.id, False
    survivor = next((s for s in found if s.id == known_secret_id and s.folder_id != folder_id), None)
    if survivor is not None and _holds_settings_document(client, survivor.id):
        # the folder was recreated: bring the surviving SCIMSecret back into it
        secret = client.get_secret(survivor.id)
        client.update_secret(secret.with_values(folder_id=folder_id))
        return secret.id, False
    stub = client.secret_stub(WEB_PASSWORD_TEMPLATE_ID, folder_id)
    secret = client.create_secret(stub, name=name, folder_id=folder_id, fields={
        "url": ss_url, "username": app_username, "password": _placeholder_password(),
        "notes": _initial_settings_document().to_json()})
    return secret.id, True


def _shares_ensure(client: SecretServerClient, secret_id: int, owner: User) -> list[int]:
    """Owner for the setting-up administrator, View for Everyone, approval with the admin as approver.

    Returns the approvers' group ids (the administrator's personal group)."""
    existing = client.secret_permissions(secret_id=secret_id)
    if not any(p.user_id == owner.id and p.secret_access_role_name.lower() == "owner" for p in existing):
        client.create_secret_permission(secret_id, "Owner", user_id=owner.id)
    everyone = next((g for g in client.search_groups(EVERYONE_GROUP) if g.name.lower() == EVERYONE_GROUP.lower()),
                    None)
    if everyone and not any(p.group_id == everyone.id and p.user_id is None for p in existing):
        client.create_secret_permission(secret_id, "View", group_id=everyone.id)
    approvers = [owner.personal_group_id] if owner.personal_group_id else []
    client.set_security_approval(secret_id, APPROVAL_TYPE, approvers)
    return approvers


def _folder_view_ensure(client: SecretServerClient, folder_id: int, owner: User,
                        approver_group_ids: list[int]) -> None:
    """View on the SCIM folder and its secrets for the setting-up administrator and the approvers' groups.

    Without it only the application account sees the folder and the endpoint secrets in Secret Server.
    Idempotent: a row that already names the user (or their personal group) or the group is left as is
    (whatever its role). One read, plus one write per missing row.
    """
    existing = client.folder_permissions(folder_id)
    held_by_groups = {p.group_id for p in existing if p.group_id is not None}
    if not any(p.user_id == owner.id for p in existing) and owner.personal_group_id not in held_by_groups:
        client.create_folder_permission(folder_id, "View", "View", user_id=owner.id)
        held_by_groups.add(owner.personal_group_id)
    for group_id in approver_group_ids:
        if group_id not in held_by_groups:
            client.create_folder_permission(folder_id, "View", "View", group_id=group_id)
            held_by_groups.add(group_id)


def _scim_objects_ensure(client: SecretServerClient, *, ss_url: str, app_username: str, owner: User,
                         hostname: str) -> SetupResult:
    folder_name, secret_name = scim_folder_name(hostname), scim_secret_name(hostname)
    folder_id, folder_created = _folder_ensure(client, folder_name)
    bootstrap = bootstrap_get()
    secret_id, secret_created = _secret_ensure(client, name=secret_name, folder_id=folder_id,
                                               ss_url=ss_url, app_username=app_username,
                                               known_secret_id=bootstrap.scim_secret_id if bootstrap and url_identity(
                                                   bootstrap.secret_server_url) == url_identity(ss_url) else None)
    approvers = _shares_ensure(client, secret_id, owner)
    _folder_view_ensure(client, folder_id, owner, approvers)
    return SetupResult(folder_id, secret_id, folder_created, secret_created, folder_name=folder_name,
                       secret_name=secret_name)


def _mirrors_write(result: SetupResult, hostname: str) -> None:
    FolderMirror.objects.exclude(ss_folder_id=result.folder_id).update(active=False)
    FolderMirror.objects.update_or_create(ss_folder_id=result.folder_id,
                                          defaults={"name": scim_folder_name(hostname), "active": True})


def _check_healthy(url: str) -> None:
    """Secret Server's anonymous health check, before any credential is sent."""
    try:
        with anonymous_client(url) as anonymous:
            health = anonymous.healthcheck()
    except SecretServerError:
        raise _unavailable() from None
    if not health.healthy:
        raise _unavailable()


def _check_app_account(admin_client: SecretServerClient, app_session: SecretServerClient) -> None:
    """The application account is an enabled application account holding every permission the connector uses."""
    app_me = app_session.current_user()
    app_user = admin_client.get_user(app_me.id)
    if not app_user.is_application_account or not app_user.enabled:
        raise SetupError(INVALID_APP_ACCOUNT, "app_username")
    if not all(app_me.has_permission(p) for p in REQUIRED_APP_PERMISSIONS):
        raise SetupError(APP_MISSING_PERMISSION, "app_username")


def _previous_setup() -> ConnectorBootstrap | None:
    """The bootstrap record of a finished earlier setup, or None (a half-written record does not count)."""
    previous = bootstrap_get()
    return previous if previous is not None and previous.is_complete else None


def _setup_before(*, url: str, admin_username: str, app_username: str, app_domain: str,
                  app_site_id: int | None, hostname: str, previous: ConnectorBootstrap | None) -> dict:
    """The audit row's "before": what was asked for, and where the connector pointed until now."""
    return {"url": url, "admin_username": admin_username, "app_username": app_username,
            "app_domain": app_domain, "app_site_id": app_site_id, "hostname": hostname,
            "previous_url": previous.secret_server_url if previous else None,
            "previous_app_username": previous.app_username if previous else None}


def _url_checked(url: str, *, allow_http: bool) -> str:
    """The normalised URL, if it is well formed and one the operator allowed; never contacted otherwise."""
    url = url_check(url, allow_http=allow_http)
    if not url_allowed(url):
        raise SetupError(MSG_URL_NOT_ALLOWED, "url")
    return url


def _is_move(previous: ConnectorBootstrap | None, url: str) -> bool:
    """Does this setup point an already set-up connector at another Secret Server?"""
    return previous is not None and url_identity(url) != url_identity(previous.secret_server_url)


def _setup_save(result: SetupResult, audit, *, url: str, app_username: str, app_domain: str,
                app_site_id: int | None, app_password: str, hostname: str, admin_username: str,
                previous: ConnectorBootstrap | None, moving: bool) -> None:
    """The local half, only after everything in Secret Server succeeded: bootstrap record, folder mirror
    and the audit outcome, in one transaction."""
    with transaction.atomic():
        ConnectorBootstrap.objects.update_or_create(singleton=1, defaults={
            "secret_server_url": url, "allow_http": url.lower().startswith("http://"),
            "app_username": app_username, "app_domain": app_domain or "", "app_site_id": app_site_id,
            "app_password_encrypted": encrypt_secret(app_password), "folder_id": result.folder_id,
            "scim_secret_id": result.secret_id, "hostname": hostname, "configured_by": admin_username})
        _mirrors_write(result, hostname)
        moved = f" Secret Server URL changed from {previous.secret_server_url} to {url}." if moving else ""
        audit.record(target_id=result.secret_id, message=CONNECTION_SUCCESSFUL + moved, after={
            "url": url, "previous_url": previous.secret_server_url if previous else None,
            "app_username": app_username, "folder_id": result.folder_id, "secret_id": result.secret_id,
            "folder_created": result.folder_created, "secret_created": result.secret_created})


@translates_secretserver_errors
def secretserver_setup(*, url: str, admin_username: str, admin_password: str, app_username: str,
                       app_password: str, admin_domain: str = "", app_domain: str = "",
                       app_site_id: int | None = None, allow_http: bool | None = None, actor=None,
                       request=None, operator: bool = False) -> SetupResult:
    """Validate both accounts, ensure folder + SCIMSecret + shares, save the bootstrap record.

    Only a URL the operator allowed (``url_allowed``) is ever contacted; any other gets one fixed message
    and no network call. Once set up, moving to another Secret Server also needs the administrator to
    prove ``Administer Role Permissions`` on the server configured now (the same URL proves it on the way);
    ``operator`` (``manage.py configure_secretserver``: shell access to the connector) skips that re-proof.
    Raises SetupError with the product's message (and the form field it concerns). Nothing local changes
    unless everything in Secret Server succeeded.
    """
    allow_http = settings.SECRET_SERVER_ALLOW_HTTP if allow_http is None else allow_http
    hostname = connector_hostname()
    admin_client = app_session = None
    previous = _previous_setup()
    with audited(action="setup.configure", actor=actor, actor_name=None if actor else admin_username,
                 request=request, target_type="secretserver", target_repr=(url or "")[:200],
                 before=_setup_before(url=url, admin_username=admin_username, app_username=app_username,
                                      app_domain=app_domain, app_site_id=app_site_id, hostname=hostname,
                                      previous=previous)) as audit:
        try:
            url = _url_checked(url, allow_http=allow_http)
            moving = _is_move(previous, url)
            if moving and not operator:
                _reprove_on_current(previous.secret_server_url, admin_username, admin_password, admin_domain)
            _check_healthy(url)
            admin_client = _grant(url, admin_username, admin_password, admin_domain,
                                  SetupError(INCORRECT_LOGIN, "admin_username"))
            admin_user = _administrator_of(admin_client)

            app_session = _grant(url, app_username, app_password, app_domain,
                                 SetupError(INVALID_APP_ACCOUNT, "app_username"))
            _check_app_account(admin_client, app_session)

            result = _scim_objects_ensure(app_session, ss_url=url, app_username=app_username, owner=admin_user,
                                          hostname=hostname)
        except Unavailable:
            raise _unavailable() from None
        except SetupError:
            raise
        except SecretServerError as exc:
            raise SetupError(f"Secret Server refused the setup: {exc.product_message or type(exc).__name__}",
                             outcome="error") from None
        finally:
            _revoke_quietly(admin_client)
            _revoke_quietly(app_session)

        _setup_save(result, audit, url=url, app_username=app_username, app_domain=app_domain,
                    app_site_id=app_site_id, app_password=app_password, hostname=hostname,
                    admin_username=admin_username, previous=previous, moving=moving)
    cache.delete(token_cache_key(url, app_username, app_domain or None))  # the password may have changed
    settings_cache_clear()
    return result


@translates_secretserver_errors
def scim_objects_recreate(*, owner_ss_user_id: int, actor=None, request=None) -> SetupResult:
    """The "recreate" button: the same idempotent folder/secret/shares step, as the application account,
    with the signed-in administrator as Owner and approver."""
    bootstrap = bootstrap_get()
    if bootstrap is None:
        raise SetupError(MSG_NOT_CONFIGURED)
    hostname = bootstrap.hostname or connector_hostname()
    with audited(action="setup.recreate", actor=actor, request=request, target_type="secretserver",
                 target_repr=bootstrap.secret_server_url[:200],
                 before={"folder_id": bootstrap.folder_id, "secret_id": bootstrap.scim_secret_id}) as audit:
        client = app_client(bootstrap)
        try:
            owner = client.get_user(owner_ss_user_id)
            result = _scim_objects_ensure(client, ss_url=bootstrap.secret_server_url,
                                          app_username=bootstrap.app_username, owner=owner, hostname=hostname)
        except Unavailable:
            raise _unavailable() from None
        except SecretServerError as exc:
            raise SetupError(f"Secret Server refused: {exc.product_message or type(exc).__name__}",
                             outcome="error") from None
        with transaction.atomic():
            bootstrap.folder_id, bootstrap.scim_secret_id = result.folder_id, result.secret_id
            bootstrap.save(update_fields=["folder_id", "scim_secret_id", "configured_at"])
            _mirrors_write(result, hostname)
            audit.record(target_id=result.secret_id, message="SCIM folder and secret recreated", after={
                "folder_id": result.folder_id, "secret_id": result.secret_id,
                "folder_created": result.folder_created, "secret_created": result.secret_created})
    settings_cache_clear()
    return result


def setup_status_cached(bootstrap: ConnectorBootstrap | None = None) -> SetupStatus:
    """``setup_status`` for the Settings › Secret Server page: asked at most once a minute across workers."""
    return status_cached("setup", lambda: setup_status(bootstrap), healthy=lambda s: not s.problem)


def setup_status(bootstrap: ConnectorBootstrap | None = None) -> SetupStatus:
    """Is the connector configured, is Secret Server reachable, are the folder and the SCIMSecret still there?"""
    try:
        bootstrap = bootstrap or bootstrap_require()
    except Exception:
        return SetupStatus(configured=False)
    client = app_client(bootstrap)
    try:
        folder_name = secret_name = ""
        try:
            folder = client.get_folder(bootstrap.folder_id)
            folder_present, folder_name = folder.id == bootstrap.folder_id, folder.folder_name
        except (NotFound, AccessDenied):
            folder_present = False
        try:
            secret = client.get_secret(bootstrap.scim_secret_id)
            secret_present = secret.active and secret.folder_id == bootstrap.folder_id if folder_present \
                else secret.active
            secret_name = secret.name
        except (NotFound, AccessDenied):
            secret_present = False
    except Unavailable:
        return SetupStatus(configured=True, reachable=False, problem=UNAVAILABLE)
    except SecretServerError as exc:
        return SetupStatus(configured=True, reachable=True, problem=exc.product_message or type(exc).__name__)
    problem = FOLDER_DELETED if not folder_present else SECRET_DELETED if not secret_present else ""
    return SetupStatus(True, True, folder_present, secret_present, problem, folder_name, secret_name)
