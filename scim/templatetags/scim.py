"""``{% scim_base_url %}``: the URL an identity provider is given, next to the endpoint's token."""
from django import template

from scim.selectors import scim_base_url as _scim_base_url

register = template.Library()


@register.simple_tag(takes_context=True)
def scim_base_url(context) -> str:
    request = context.get("request")
    return _scim_base_url(request) if request is not None else "/v2"
