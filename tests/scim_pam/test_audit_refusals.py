"""A write Secret Server refuses with access denied (403) is audited as ``denied`` (issue 11 "Seen and audited"),
through the vendor's PrivilegedData routes and scim2-server's own DELETE alike."""
from __future__ import annotations

import pytest

from connector.models import AuditEvent
from scim.pam.schemas import CONTAINER_SCHEMA

PASSWORD = "Approval-Pa55word-9917!"
ACTOR = "SCIM endpoint Okta production"


@pytest.fixture
def guarded(scim, ss_app):
    box = int(scim.post("/v2/Containers", {"schemas": [CONTAINER_SCHEMA], "name": "Guarded"}).json_body["id"])
    secret = ss_app.create_secret(ss_app.secret_stub(9, box), name="guarded", folder_id=box,
                                  fields={"url": "https://x", "username": "u", "password": PASSWORD})
    approvers = [g.id for g in ss_app.search_groups() if g.name == "Everyone"]
    ss_app.set_security_approval(secret.id, "RequireEveryoneApproval", approvers)
    return secret


def test_a_403_from_secret_server_on_a_write_is_audited_as_denied(scim, guarded):
    seq = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    response = scim.put(f"/v2/PrivilegedData/{guarded.id}", {"name": "renamed", "items": [
        {"slug": "password", "itemValue": "New-" + PASSWORD}]})
    assert response.status_code == 403, response.json_body
    rows = list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq"))
    assert [(r.action, r.outcome, r.actor_name, r.target_type, r.target_id) for r in rows] == [
        ("scim.privileged_data.update", "denied", ACTOR, "ss_secret", str(guarded.id))]
    assert "PUT /PrivilegedData/" in rows[0].message and "403" in rows[0].message
    for row in rows:
        assert PASSWORD not in f"{row.message} {row.before} {row.after}"
