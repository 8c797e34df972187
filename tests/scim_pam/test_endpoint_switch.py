"""The endpoint's "Allow reading sensitive values" switch on its page and in its API (issue 12)."""
from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from connector.models import AuditEvent, EndpointMirror
from connector.services.endpoints import MSG_SENSITIVE_OFF, MSG_SENSITIVE_ON

pytestmark = pytest.mark.django_db


def _form(**extra):
    data = {"name": "SailPoint", "url": "https://idp.example.test/scim/v2", "username": "sp-svc",
            "password": "Pw-1-sailpoint", "mappings-TOTAL_FORMS": "1", "mappings-INITIAL_FORMS": "0",
            "mappings-MIN_NUM_FORMS": "0", "mappings-MAX_NUM_FORMS": "1000"}
    data.update(extra)
    return data


def test_the_form_shows_the_switch_off_and_saving_it_is_kept_in_secret_server_and_audited(admin_client, ss):
    page = admin_client.get(reverse("connector:endpoint-add")).content.decode()
    assert 'name="allow_sensitive_reads"' in page and "Allow reading sensitive values" in page
    admin_client.post(reverse("connector:endpoint-add"), _form())
    mirror = EndpointMirror.objects.get()
    assert mirror.allow_sensitive_reads is False
    assert json.loads(ss.state.secret_items(mirror.ss_secret_id)["notes"])["allowSensitiveReads"] is False
    edit = reverse("connector:endpoint-edit", args=[mirror.ss_secret_id])
    admin_client.post(edit, _form(password="", allow_sensitive_reads="on", revision=str(mirror.revision)))
    mirror.refresh_from_db()
    assert mirror.allow_sensitive_reads is True
    assert json.loads(ss.state.secret_items(mirror.ss_secret_id)["notes"])["allowSensitiveReads"] is True
    checkbox = re.search(r'<input[^>]*name="allow_sensitive_reads"[^>]*>', admin_client.get(edit).content.decode())
    assert checkbox and "checked" in checkbox.group(0)
    admin_client.post(edit, _form(password="", revision=str(mirror.revision)))
    mirror.refresh_from_db()
    assert mirror.allow_sensitive_reads is False
    messages = list(AuditEvent.objects.filter(action="endpoint.update", outcome="success")
                    .order_by("seq").values_list("message", flat=True))
    assert MSG_SENSITIVE_ON in messages[0] and MSG_SENSITIVE_OFF in messages[1]


def test_a_token_regeneration_keeps_the_switch(admin_client, ss, endpoint):
    from connector.services.endpoints import endpoint_token_regenerate, endpoint_update

    endpoint_update(endpoint.endpoint.ss_secret_id, allow_sensitive_reads=True)
    endpoint_token_regenerate(endpoint.endpoint.ss_secret_id)
    assert EndpointMirror.objects.get(ss_secret_id=endpoint.endpoint.ss_secret_id).allow_sensitive_reads


def test_home_names_the_pam_extension(admin_client):
    body = admin_client.get("/").content.decode()
    assert "draft-grizzle-scim-pam-ext-01" in body and "PrivilegedDataPermissions" in body
