"""``{% filter_fields form %}``: the filter bar's fields rendered in Python (see connector/fast_forms.py)."""
from django import template
from django.utils.safestring import mark_safe

from connector.fast_forms import filter_field_html

register = template.Library()


@register.simple_tag
def filter_fields(form):
    return mark_safe("".join(filter_field_html(field) for field in form))
