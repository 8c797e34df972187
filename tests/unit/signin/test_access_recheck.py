"""access_recheck as a plain service, with a fake application-account client."""
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from connector.access import ConnectorAccess, Role
from connector.crypto import encrypt_secret
from connector.models import ConnectorBootstrap
from connector.secretserver import AccessRequest, AccessRequestOptions, GroupMembership, SecretPermission
from connector.services.signin import MSG_REMOVED, access_recheck

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 1, 10, 12, 0, tzinfo=UTC)


@dataclass
class FakeClient:
    shares: tuple = ()
    groups: tuple = ()
    approved: tuple = ()
    approval: bool = True

    def secret_permissions(self, secret_id=None, **kw):
        return self.shares

    def access_request_options(self, secret_id):
        return AccessRequestOptions(self.approval, editors_also_require_approval=True)

    def user_groups(self, user_id):
        return self.groups

    def search_access_requests(self, status=None, **kw):
        return self.approved


@pytest.fixture(autouse=True)
def bootstrap(db, settings):
    ConnectorBootstrap.objects.create(secret_server_url="http://ss.invalid", app_username="scim-app",
                                      app_password_encrypted=encrypt_secret("x"), folder_id=1, scim_secret_id=7,
                                      hostname="testhost")


def person(via="share", until=None, role=Role.ADMINISTRATOR):
    return ConnectorAccess(role, 5, "alice", "Alice", via, until, NOW - timedelta(minutes=2))


everyone = GroupMembership(1, "Everyone", 5, "alice")
auditors = GroupMembership(9, "SCIM Auditors", 5, "alice")


def test_owner_share_keeps_administrator():
    client = FakeClient(shares=(SecretPermission(1, 7, 5, 105, "Owner"), SecretPermission(2, 7, None, 1, "View")),
                        groups=(everyone,))
    result = access_recheck(person(), client=client, now=NOW)
    assert result.access.role == Role.ADMINISTRATOR and result.access.via == "share"
    assert result.access.checked_at == NOW


def test_view_share_alone_needs_an_approved_request():
    client = FakeClient(shares=(SecretPermission(2, 7, None, 1, "View"),), groups=(everyone,))
    assert access_recheck(person(), client=client, now=NOW).reason == MSG_REMOVED


def test_approved_request_inside_its_window():
    end = NOW + timedelta(hours=3)
    req = AccessRequest(11, 7, "Approved", requesting_user_id=5, start_date=NOW - timedelta(hours=1),
                        expiration_date=end)
    client = FakeClient(shares=(SecretPermission(2, 7, None, 1, "View"),), groups=(everyone,), approved=(req,))
    result = access_recheck(person("request", end), client=client, now=NOW)
    assert result.access.via == "request" and result.access.access_until == end


def test_window_over_says_when_it_ended():
    end = NOW - timedelta(minutes=1)
    req = AccessRequest(11, 7, "Approved", requesting_user_id=5, start_date=NOW - timedelta(hours=1),
                        expiration_date=end)
    client = FakeClient(shares=(SecretPermission(2, 7, None, 1, "View"),), groups=(everyone,), approved=(req,))
    result = access_recheck(person("request", end), client=client, now=NOW)
    assert result.access is None
    assert result.reason == "Your access to SCIM Connector ended at 2026-01-10 11:59 UTC (approved request expired)."


def test_other_peoples_requests_do_not_count():
    req = AccessRequest(12, 7, "Approved", requesting_user_id=6, start_date=NOW - timedelta(hours=1),
                        expiration_date=NOW + timedelta(hours=1))
    client = FakeClient(shares=(SecretPermission(2, 7, None, 1, "View"),), groups=(everyone,), approved=(req,))
    assert access_recheck(person(), client=client, now=NOW).access is None


def test_auditor_group_membership():
    client = FakeClient(groups=(everyone, auditors))
    result = access_recheck(person("group", role=Role.AUDITOR), client=client, now=NOW)
    assert result.access.role == Role.AUDITOR


def test_group_share_counts():
    client = FakeClient(shares=(SecretPermission(3, 7, None, 9, "Owner"),), groups=(everyone, auditors))
    assert access_recheck(person(), client=client, now=NOW).access.role == Role.ADMINISTRATOR


def test_without_approval_view_is_enough():
    client = FakeClient(shares=(SecretPermission(2, 7, None, 1, "View"),), groups=(everyone,), approval=False)
    assert access_recheck(person(), client=client, now=NOW).access.via == "share"
