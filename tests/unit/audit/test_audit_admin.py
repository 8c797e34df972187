"""The admin shows the audit trail read-only, without counting the whole table."""
import pytest

from connector.models import AuditEvent

pytestmark = pytest.mark.django_db
URL = "/admin/connector/auditevent/"


def test_the_changelist_lists_filters_and_searches(admin_client, write_events):
    write_events(3, actor_name="ivy", target_repr="Payroll app")
    response = admin_client.get(URL)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Payroll app" in content and "test.event3" in content

    assert admin_client.get(URL, {"q": "ivy"}).status_code == 200
    assert admin_client.get(URL, {"outcome__exact": "success", "action": "test.event1"}).status_code == 200


def test_nothing_can_be_added_changed_or_deleted(admin_client, write_events):
    (event,) = write_events(1)
    detail = f"{URL}{event.pk}/change/"

    assert admin_client.get(f"{URL}add/").status_code == 403
    assert admin_client.get(f"{URL}{event.pk}/delete/").status_code == 403
    assert admin_client.get(detail).status_code == 200  # view only
    admin_client.post(detail, {"message": "rewritten"})
    event.refresh_from_db()
    assert event.message == ""
    changelist = admin_client.get(URL)
    assert changelist.context["cl"].model_admin.get_actions(changelist.wsgi_request) == {}
    assert AuditEvent.objects.count() == 1


def test_the_model_has_only_the_view_permission():
    from django.contrib.auth.models import Permission

    codenames = set(Permission.objects.filter(content_type__app_label="connector",
                                              content_type__model="auditevent").values_list("codename", flat=True))
    assert codenames == {"view_auditevent"}


def test_the_paginator_caps_its_count(admin_client, write_events, monkeypatch):
    from connector.admin import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "CAP", 4)
    write_events(7)
    changelist = admin_client.get(URL).context["cl"]
    assert changelist.result_count == 5 and changelist.show_full_result_count is False
