"""Signing a person in with Secret Server, and re-checking their access while they stay signed in.

``signin_check`` decides one sign-in attempt with the fewest round trips, as the person (their token is
used for the check only and then dropped). ``access_recheck`` re-decides the role of a signed-in person
with the application account, because the person's token is not kept. Both write the audit trail; a
sign-in attempt leaves exactly one ``auth.signin`` row (plus one row per access-request change).

The brute-force throttle lives here too: it is consulted before Secret Server is called, so the
connector can never lock a Secret Server account by hammering it, and it answers the same way for
existing and unknown user names.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from accessrequests.services import access_request_apply
from connector.access import ConnectorAccess, Role
from connector.configuration import ConnectorSettings
from connector.lockout import domain_normalise, signin_attempt_reserve
from connector.models import SecretServerIdentity
from connector.secretserver import (
    AccessDenied,
    CurrentUser,
    ApprovalRequired,
    AuthenticationFailed,
    LoginFailed,
    NotFound,
    PasswordExpired,
    SecretServerClient,
    SecretServerError,
)
from connector.secretserver import AccessRequest as SSAccessRequest
from connector.errors import ConnectorError, SecretServerUnavailable
from connector.messages import (
    MSG_EXPIRED,
    MSG_INCORRECT,
    MSG_LOCKED_OUT,
    MSG_NO_PERMISSION,
    MSG_NOT_CONFIGURED,
    MSG_PASSWORD_REQUIRED,
    MSG_PENDING,
    MSG_REMOVED,
    MSG_REQUEST_DENIED,
    MSG_SIGNIN_AUDIT_FAILED,
    MSG_TOKEN_REFUSED,
    MSG_UNAVAILABLE,
    MSG_USERNAME_REQUIRED,
)
from connector.services.audit import AuditWriteError, audit_record
from connector.services import configuration_service
from connector.services.failures import translates_secretserver_errors
from connector.services.connection import (
    ConnectorNotConfigured,
    anonymous_client,
    app_client,
    bootstrap_require,
    person_client,
)

logger = logging.getLogger(__name__)

MSG_AUDIT_FAILED = MSG_SIGNIN_AUDIT_FAILED


class BearerTokenRefused(ConnectorError):
    """Secret Server refused an API caller's access token (expired, revoked, garbage)."""

    status = 401
    audit_outcome = "failure"
    default_message = MSG_TOKEN_REFUSED


ROLE_RANK = {"none": 0, "list": 1, "view": 2, "edit": 3, "owner": 4}


def msg_ended(until: datetime | None) -> str:
    when = until.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if until else "the end of its window"
    return f"Your access to SCIM Connector ended at {when} (approved request expired)."


class Outcome:
    ALLOWED = "allowed"
    PENDING = "pending"
    DENIED = "denied"  # the latest access request was denied by a reviewer
    FAILED = "failed"  # wrong credentials, locked or disabled (indistinguishable)
    EXPIRED = "expired"
    NO_PERMISSION = "no_permission"
    LOCKED_OUT = "locked_out"
    UNAVAILABLE = "unavailable"
    NOT_CONFIGURED = "not_configured"
    ERROR = "error"  # the audit row could not be written


@dataclass(frozen=True)
class PersonIdentity:
    ss_user_id: int
    user_name: str
    display_name: str = ""
    email: str = ""
    domain: str = ""


@dataclass(frozen=True)
class SigninOutcome:
    kind: str
    message: str = ""
    access: ConnectorAccess | None = None
    identity: PersonIdentity | None = None
    user: object | None = None  # the local mirror user (every outcome where Secret Server knew the person)
    ss_request_id: int | None = None
    reviewer: str = ""
    reviewer_comment: str = ""
    idle_minutes: int = 60

    @property
    def allowed(self) -> bool:
        return self.kind == Outcome.ALLOWED

    @property
    def can_request_again(self) -> bool:
        return self.kind == Outcome.DENIED


# --- brute-force throttle (connector/lockout.py) -------------------------------------------------------
# An attempt is reserved in the shared cache before Secret Server sees the password; see connector.lockout.


# --- deciding the role ---------------------------------------------------------------------------------

def _in_auditors_group(groups, conf: ConnectorSettings) -> bool:
    """Group names compare case-insensitively, as Secret Server compares them."""
    return any(g.group_name.strip().lower() == conf.auditors_group.strip().lower() for g in groups)


def _person_role(client: SecretServerClient, me, secret_id: int, conf: ConnectorSettings,
                 now: datetime) -> tuple[ConnectorAccess | None, bool]:
    """Role from the person's own view: (access or None, has_view). Raises SecretServerError."""
    has_view = True
    try:
        state = client.secret_state(secret_id)
    except ApprovalRequired:
        state = None
    except (AccessDenied, NotFound):
        state, has_view = None, False
    if state is not None:
        if state.accessible:
            until = state.approval_end if state.approval_end and state.approval_end > now else None
            return ConnectorAccess(Role.ADMINISTRATOR, me.id, me.user_name, me.display_name,
                                   "request" if until else "share", until, now), True
        if not state.requires_approval:
            has_view = False  # e.g. List only: cannot read or request the secret
    groups = client.user_groups(me.id)
    if not identity_matches(groups, me.user_name):
        raise StaleIdentity()
    if _in_auditors_group(groups, conf):
        return ConnectorAccess(Role.AUDITOR, me.id, me.user_name, me.display_name, "group", None, now), has_view
    return None, has_view


class StaleIdentity(Exception):
    """The Secret Server user id remembered for a user name now belongs to someone else (a rename)."""


def identity_matches(groups, user_name: str) -> bool:
    """Do these memberships (of one user id) name ``user_name``? Memberships that carry no name prove nothing."""
    names = {g.user_name.strip().lower() for g in groups if g.user_name}
    return not names or user_name.strip().lower() in names


def known_person(username: str, domain: str | None) -> CurrentUser | None:
    """The person as the local mirror last saw them, saving the ``users/current`` round trip at sign-in.

    ASSUMPTION (Secret Server keeps users and their ids for audit, §3; a user id is never reused): a user name
    that signed in before still names the same user id unless renamed. A rename is caught by the group
    lookup (auditors, and every re-check of a signed-in person, compare the memberships' user name), which
    then ends the session and forgets the link, so the next sign-in asks Secret Server again.
    """
    local_name = f"{domain}\\{username}" if domain else username
    link = (SecretServerIdentity.objects.select_related("user")
            .filter(user__username__iexact=local_name, user__is_active=True).first())
    if link is None:
        return None
    user_name = link.user.username.rpartition("\\")[2]
    return CurrentUser(link.ss_user_id, user_name, link.display_name, link.user.email)


def identity_forget(ss_user_id: int) -> None:
    """Drop the local link of a Secret Server user id whose user name no longer matches (see known_person)."""
    SecretServerIdentity.objects.filter(ss_user_id=ss_user_id).delete()


def identity_user(identity: PersonIdentity, *, staff: bool):
    """Create or refresh the local mirror user (unusable password; never a superuser)."""
    User = get_user_model()
    username = f"{identity.domain}\\{identity.user_name}" if identity.domain else identity.user_name
    with transaction.atomic():
        link = SecretServerIdentity.objects.select_related("user").filter(ss_user_id=identity.ss_user_id).first()
        user = link.user if link else User.objects.filter(username=username).first()
        if user is None:
            user = User(username=username)
            user.set_unusable_password()
        first, _, last = identity.display_name.partition(" ")
        user.username, user.email = username, identity.email
        user.first_name, user.last_name = first[:150], last[:150]
        user.is_staff, user.is_superuser = staff, False
        if user.has_usable_password():
            user.set_unusable_password()
        user.save()
        SecretServerIdentity.objects.update_or_create(
            ss_user_id=identity.ss_user_id,
            defaults={"user": user, "display_name": identity.display_name, "domain": identity.domain})
        _grant_view_permissions(user, staff)
    return user


def _grant_view_permissions(user, staff: bool) -> None:
    """Staff see the admin site read-only: one group holding every ``view_*`` permission of our apps."""
    from django.contrib.auth.models import Group, Permission

    group, created = Group.objects.get_or_create(name="SCIM Connector read-only")
    if created or not group.permissions.exists():
        group.permissions.set(Permission.objects.filter(
            content_type__app_label__in=("connector", "accessrequests"), codename__startswith="view_"))
    if staff:
        user.groups.add(group)
    else:
        user.groups.remove(group)


# --- the sign-in check ---------------------------------------------------------------------------------

def _client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def _audit(outcome: SigninOutcome, *, username: str, request, audit_outcome: str, user=None) -> None:
    audit_record(action="auth.signin", outcome=audit_outcome, actor=user, actor_name=None if user else username[:150],
                 target_type="user", target_id=outcome.identity.ss_user_id if outcome.identity else "",
                 target_repr=username[:200], message=f"{outcome.kind}: {outcome.message}"[:500],
                 after={"role": str(outcome.access.role), "via": outcome.access.via} if outcome.access else None,
                 request=request)


def signin_check(*, username: str, password: str, domain: str | None = None, request=None,
                 request_again: bool = False, now: datetime | None = None) -> SigninOutcome:
    """Decide one sign-in attempt and audit it (one ``auth.signin`` row).

    Round trips as the person: password grant, secret state (administrator by share: 2; by an approved
    request: + their requests, 3); + the person's groups (auditor: 3); + their requests for the SCIMSecret
    (pending/denied: 4); + filing a request (5). The first sign-in of a person (no local link yet) adds the
    current-user lookup (+1). The settings read is cached for 30 s.
    """
    username, domain = (username or "").strip(), domain_normalise(domain)
    if not username:
        return SigninOutcome(Outcome.FAILED, MSG_USERNAME_REQUIRED)
    if not password:
        return SigninOutcome(Outcome.FAILED, MSG_PASSWORD_REQUIRED)
    now = now or datetime.now(UTC)
    ip = _client_ip(request)

    def done(outcome: SigninOutcome, audit_outcome: str, user=None) -> SigninOutcome:
        try:
            _audit(outcome, username=username, request=request, audit_outcome=audit_outcome, user=user)
        except AuditWriteError:
            return SigninOutcome(Outcome.ERROR, MSG_AUDIT_FAILED)
        return outcome

    try:
        bootstrap = bootstrap_require()
    except ConnectorNotConfigured:
        return done(SigninOutcome(Outcome.NOT_CONFIGURED, MSG_NOT_CONFIGURED), "error")
    reservation = signin_attempt_reserve(username, ip)
    if reservation is None:
        return done(SigninOutcome(Outcome.LOCKED_OUT, MSG_LOCKED_OUT), "denied")

    try:
        with anonymous_client(bootstrap.secret_server_url) as anonymous:
            grant = anonymous.password_grant(username, password, domain)
    except PasswordExpired:
        reservation.released()
        return done(SigninOutcome(Outcome.EXPIRED, MSG_EXPIRED), "failure")
    except LoginFailed:  # Secret Server's own refusal: the only outcome counted as a failed password
        reservation.failed()
        return done(SigninOutcome(Outcome.FAILED, MSG_INCORRECT), "failure")
    except SecretServerError:  # Unavailable, UnexpectedResponse...: not the person's fault, not counted
        reservation.released()
        return done(SigninOutcome(Outcome.UNAVAILABLE, MSG_UNAVAILABLE), "error")
    except BaseException:
        reservation.released()
        raise
    reservation.succeeded()

    person = person_client(grant.access_token, bootstrap.secret_server_url)
    del grant  # the person's token lives only in this client, for this check
    try:
        return _decide(person, bootstrap, username=username, domain=domain, request=request,
                       request_again=request_again, now=now, done=done)
    except AuditWriteError:
        return SigninOutcome(Outcome.ERROR, MSG_AUDIT_FAILED)
    except SecretServerError:
        return done(SigninOutcome(Outcome.UNAVAILABLE, MSG_UNAVAILABLE), "error")
    finally:
        person.close()


def _decide(person, bootstrap, *, username, domain, request, request_again, now, done) -> SigninOutcome:
    conf = configuration_service.settings_current()
    secret_id = bootstrap.scim_secret_id
    me, access, has_view = _person_role_known_first(person, username, domain, secret_id, conf, now)
    identity = PersonIdentity(me.id, me.user_name or username, me.display_name, me.email_address, domain or "")
    idle = conf.ui_session_minutes
    if access is not None:
        user = identity_user(identity, staff=True)
        if access.via == "request":  # mirror the approval that let them in (one more round trip)
            for r in person.access_requests_for_secret(secret_id):
                access_request_apply(r, requester=user, request=request)
        return done(SigninOutcome(Outcome.ALLOWED, "", access, identity, user, idle_minutes=idle), "success",
                    user=user)
    user = identity_user(identity, staff=False)
    if not has_view:
        return done(SigninOutcome(Outcome.NO_PERMISSION, MSG_NO_PERMISSION, None, identity, user), "denied",
                    user=user)
    return _decide_by_requests(person, secret_id, identity=identity, user=user, request=request,
                               request_again=request_again, now=now, days=conf.access_window_days, done=done)


def _decide_by_requests(person, secret_id, *, identity, user, request, request_again, now, days,
                        done) -> SigninOutcome:
    """No access yet, but the person may request it: mirror their requests, then pending, denied or file one."""
    mine = sorted((r for r in person.access_requests_for_secret(secret_id) if r.secret_id in (0, secret_id)),
                  key=lambda r: r.id)
    for r in mine:
        access_request_apply(r, requester=user, request=request)
    pending = next((r for r in reversed(mine) if r.is_pending), None)
    if pending is not None:
        return done(SigninOutcome(Outcome.PENDING, MSG_PENDING, None, identity, user, pending.id), "denied",
                    user=user)
    latest = mine[-1] if mine else None
    if latest is not None and latest.status.lower() == "denied" and not request_again:
        outcome = SigninOutcome(Outcome.DENIED, MSG_REQUEST_DENIED, None, identity, user, latest.id,
                                reviewer=latest.approver_display_name, reviewer_comment=latest.response_comment)
        return done(outcome, "denied", user=user)

    filed = _file_request(person, secret_id, user=user, identity=identity, request=request, now=now, days=days)
    return done(SigninOutcome(Outcome.PENDING, MSG_PENDING, None, identity, user, filed.id), "denied", user=user)


def _person_role_known_first(person, username, domain, secret_id, conf, now):
    """(me, access, has_view): a known person costs no ``users/current`` call; a stale link costs a retry."""
    known = known_person(username, domain)
    if known is not None:
        try:
            return known, *_person_role(person, known, secret_id, conf, now)
        except (StaleIdentity, AccessDenied, NotFound):  # the id names someone else, or no one this person may see
            identity_forget(known.id)
    me = person.current_user()
    return me, *_person_role(person, me, secret_id, conf, now)


def _file_request(person, secret_id, *, user, identity, request, now, days) -> SSAccessRequest:
    """File an access request as the person; mirror + event + audit row, or cancel it if audit fails."""
    comment = f"Access to SCIM Connector requested by {identity.user_name} from {_client_ip(request) or 'unknown'}"
    filed = person.create_access_request(secret_id, comment, now, now + timedelta(days=days))
    try:
        access_request_apply(filed, requester=user, request=request)
    except AuditWriteError:
        try:
            person.update_access_request(filed.id, "Canceled", "The connector could not audit this request.")
        except SecretServerError:
            logger.error("access request %s filed but not audited, and could not be canceled", filed.id)
        raise
    return filed


# --- re-checking a signed-in person --------------------------------------------------------------------

@dataclass(frozen=True)
class RecheckResult:
    access: ConnectorAccess | None
    reason: str = ""
    idle_minutes: int | None = None
    notes: dict = field(default_factory=dict)


def _bypass_rank(options) -> int:
    """Lowest secret role that needs no approval (Secret Server's approval types, §7)."""
    if not options.enable_requires_approval_for_access:
        return ROLE_RANK["view"]
    if options.owners_and_approvers_also_require_approval:
        return 99
    if options.editors_also_require_approval:
        return ROLE_RANK["owner"]
    return ROLE_RANK["edit"]


def _share_rank(shares, user_id: int, group_ids: set[int]) -> int:
    """The person's best role on the SCIMSecret from its shares (their own and their groups')."""
    return max([ROLE_RANK.get(p.secret_access_role_name.strip().lower(), 0) for p in shares
                if p.user_id == user_id or p.group_id in group_ids] + [0])


def _approved_until(client: SecretServerClient, secret_id: int, user_id: int, now: datetime) -> datetime | None:
    """When the person's approved requests for the SCIMSecret that grant access now end (None: there are none)."""
    approved = [r for r in client.search_access_requests(status="Approved", secret_id=secret_id,
                                                         requesting_user_id=user_id)  # assumed filters
                if r.secret_id == secret_id and r.requesting_user_id == user_id and r.grants_access_at(now)]
    return max(r.expiration_date for r in approved) if approved else None


@translates_secretserver_errors
def access_recheck(access: ConnectorAccess, *, client: SecretServerClient | None = None,
                   now: datetime | None = None) -> RecheckResult:
    """Re-decide a signed-in person's role with the application account. Raises ConnectorError.

    Round trips: the SCIMSecret's shares, its approval options, the person's groups, and (only when no
    share qualifies) this person's approved requests for the SCIMSecret (filtered by Secret Server: see
    docs/secretserver-api-extensions.md; a server that ignores the filters is still filtered here).
    Approver-only access (an approver group without a share) is not visible here and counts as none.
    """
    now = now or datetime.now(UTC)
    bootstrap = bootstrap_require()
    client = client or app_client(bootstrap)
    conf = configuration_service.settings_current()
    secret_id = bootstrap.scim_secret_id
    shares = client.secret_permissions(secret_id=secret_id)
    options = client.access_request_options(secret_id)
    groups = client.user_groups(access.ss_user_id)
    if not identity_matches(groups, access.username):
        identity_forget(access.ss_user_id)
        return RecheckResult(None, MSG_REMOVED)
    best = _share_rank(shares, access.ss_user_id, {g.group_id for g in groups})
    common = dict(ss_user_id=access.ss_user_id, username=access.username, display_name=access.display_name,
                  checked_at=now)
    if best >= _bypass_rank(options):
        return RecheckResult(ConnectorAccess(Role.ADMINISTRATOR, via="share", access_until=None, **common),
                             idle_minutes=conf.ui_session_minutes)
    if best >= ROLE_RANK["view"] or not options.enable_requires_approval_for_access:
        until = _approved_until(client, secret_id, access.ss_user_id, now)
        if until is not None:
            return RecheckResult(ConnectorAccess(Role.ADMINISTRATOR, via="request", access_until=until, **common),
                                 idle_minutes=conf.ui_session_minutes)
    if _in_auditors_group(groups, conf):
        return RecheckResult(ConnectorAccess(Role.AUDITOR, via="group", access_until=None, **common),
                             idle_minutes=conf.ui_session_minutes)
    if access.via == "request" and access.access_until is not None:
        return RecheckResult(None, msg_ended(access.access_until))
    return RecheckResult(None, MSG_REMOVED)


# --- bearer tokens (API) -------------------------------------------------------------------------------

def bearer_check(token: str, *, request=None, now: datetime | None = None,
                 audit_refusal: bool = True) -> SigninOutcome:
    """Same rules as a person, for an API caller's Secret Server access token (one audit row).

    Round trips: current user, secret state (administrator: 2); + groups (auditor: 3). Raises
    ``BearerTokenRefused`` for a token Secret Server refuses and ``SecretServerUnavailable`` when it is
    down (both audited; a refusal not when ``audit_refusal`` is False: ``bearer_guard`` aggregates refusals).
    """
    now = now or datetime.now(UTC)
    bootstrap = bootstrap_require()
    client = person_client(token, bootstrap.secret_server_url)
    try:
        me = client.current_user()
        access, _has_view = _person_role(client, me, bootstrap.scim_secret_id,
                                         configuration_service.settings_current(), now)
    except AuthenticationFailed:
        if audit_refusal:
            audit_record(action="auth.bearer", outcome="failure", actor_name="",
                         message="token refused by Secret Server", request=request)
        raise BearerTokenRefused() from None
    except SecretServerError:
        audit_record(action="auth.bearer", outcome="error", actor_name="", message=MSG_UNAVAILABLE, request=request)
        raise SecretServerUnavailable(MSG_UNAVAILABLE) from None
    finally:
        client.close()
    identity = PersonIdentity(me.id, me.user_name, me.display_name, me.email_address)
    user = identity_user(identity, staff=access is not None)
    kind = Outcome.ALLOWED if access else Outcome.NO_PERMISSION
    audit_record(action="auth.bearer", outcome="success" if access else "denied", actor=user,
                 target_type="user", target_id=me.id, target_repr=me.user_name[:200],
                 message=kind, after={"role": str(access.role), "via": access.via} if access else None,
                 request=request)
    return SigninOutcome(kind, "" if access else MSG_NO_PERMISSION, access, identity, user)
