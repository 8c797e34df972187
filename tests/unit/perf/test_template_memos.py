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
