"""Per-process memos of the list pages' template tags (connector_nav, connector_fast): same output as the Django
tags and loops they replace, and they follow setting changes."""
import pytest
from django.template import engines
from django.templatetags.static import static
from django.test import override_settings
from django.urls import NoReverseMatch, reverse

from connector.templatetags.connector_fast import sort_options
from connector.templatetags.connector_nav import page_url, static_url

OLD_SORT_LOOP = engines["django"].from_string(
    '{% for value, label in sort_choices %}<option value="{{ value }}"{% if value == sort %} selected{% endif %}>'
    "{{ label }}</option>{% endfor %}")
CHOICES = {"-time": "Newest first", "a&b": 'Quotes "and" <tags>', "z": "Z–A"}


@pytest.mark.parametrize("sort", ["-time", "a&b", "z", "", None, "unknown"])
def test_sort_options_are_what_the_loop_wrote(sort):
    expected = OLD_SORT_LOOP.render({"sort_choices": CHOICES.items(), "sort": sort})
    assert sort_options(CHOICES.items(), sort) == expected
    assert sort_options(CHOICES.items(), sort) == expected  # from the memo


def test_static_url_is_static_and_follows_static_url():
    assert static_url("css/app.css") == static("css/app.css")
    with override_settings(STATIC_URL="/assets/"):
        assert static_url("css/app.css") == "/assets/css/app.css" == static("css/app.css")
    assert static_url("css/app.css") == static("css/app.css")


def test_page_url_is_reverse_and_refuses_unknown_names():
    assert page_url("connector:audit") == reverse("connector:audit")
    with pytest.raises(NoReverseMatch):
        page_url("connector:no-such-page")


# --- the audit page's verification box (connector/views/audit.py:verification_box_html) -------------------------

def _trails():
    from datetime import UTC, datetime

    from connector.services.audit_status import AnchorStatus, ChainStatus, TrailStatus

    at = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)
    good, bad = ChainStatus(True, 1000), ChainStatus(False, 10, first_bad_seq=7, reason="hash <mismatch> & more")
    return [TrailStatus(v, a) for v in (good, bad) for a in (
        AnchorStatus("ok", 5, at), AnchorStatus("missing", 5, at), AnchorStatus("none"),
        AnchorStatus("unavailable"), AnchorStatus("not_configured"))]


@pytest.mark.parametrize("is_admin", [True, False, None])
@pytest.mark.parametrize("zone", ["UTC", "Pacific/Auckland"])
def test_verification_box_is_its_template_for_every_state(is_admin, zone):
    from django.template.loader import render_to_string
    from django.utils import timezone

    from connector.services import audit_status
    from connector.views import audit

    audit._box_memo.clear()
    with timezone.override(zone):
        for trail in _trails():
            expected = render_to_string("connector/audit/verification_box.html", {
                "verification": trail.verification, "anchor": trail.anchor,
                "verify_last": audit_status.VERIFY_LAST, "connector_is_admin": is_admin})
            assert audit.verification_box_html(trail, is_admin=is_admin) == expected
            assert audit.verification_box_html(trail, is_admin=is_admin) == expected  # from the memo
    assert "verify_audit" in audit.verification_box_html(_trails()[1], is_admin=True)
    assert "verify_audit" not in audit.verification_box_html(_trails()[1], is_admin=False)


def test_verification_box_is_rendered_once_per_trail_role_zone_and_ten_seconds(monkeypatch):
    from django.utils import timezone

    from connector.views import audit

    rendered = []
    real = audit.render_to_string
    monkeypatch.setattr(audit, "render_to_string", lambda *a, **k: rendered.append(1) or real(*a, **k))
    clock = [1_000_000.0]
    monkeypatch.setattr(audit.time, "time", lambda: clock[0])
    audit._box_memo.clear()
    trail, other = _trails()[:2]
    for _ in range(3):
        audit.verification_box_html(trail, is_admin=True)
    assert len(rendered) == 1
    audit.verification_box_html(other, is_admin=True)  # a new status (the cached one was refreshed)
    audit.verification_box_html(trail, is_admin=False)  # another role
    with timezone.override("Europe/Paris"):
        audit.verification_box_html(trail, is_admin=True)  # another zone
    assert len(rendered) == 4
    clock[0] += audit.BOX_SECONDS  # "… ago" moves on
    audit.verification_box_html(trail, is_admin=True)
    assert len(rendered) == 5
    for i in range(audit.BOX_MEMO_SIZE + 5):  # bounded
        clock[0] += audit.BOX_SECONDS
        audit.verification_box_html(trail, is_admin=True)
    assert len(audit._box_memo) <= audit.BOX_MEMO_SIZE
