"""``{% site_nav %}``: the signed-in header (main navigation and account box) built in Python.

Every signed-in page rendered it from ~60 template nodes and 11 ``{% url %}`` reversals; with cProfile the
header was the largest part of a page's template time, and its node tree is walked again on every render by
``{% extends %}`` looking for blocks. The markup is the one base.html had (same classes, same
``aria-current`` rules, same "only links the URLconf offers" and "administrator-only" conditions). URL
reversals are remembered per process, keyed by the URLconf and script prefix in force.
"""
from django import template
from django.conf import settings
from django.template.base import token_kwargs
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.template.defaultfilters import date as date_filter
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.timezone import get_current_timezone_name, template_localtime

from connector.memo import BoundedMemo
from connector.page_shell import join_layout, layout_pieces

register = template.Library()

_urls = BoundedMemo(512)


def url_or_empty(name: str) -> str:
    """``{% url name as x %}``: the path, or "" when the URLconf in force has no such name."""
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), name)
    path = _urls.get(key)
    if path is None:
        try:
            path = reverse(name)
        except NoReverseMatch:
            path = ""
        _urls.put(key, path)
    return path


@register.simple_tag
def nav_url(name):
    return url_or_empty(name)


@register.simple_tag
def page_url(name):
    """``{% url name %}`` for a URL without arguments that must exist, remembered per process like the
    navigation's (``{% url %}`` reverses on every render)."""
    path = url_or_empty(name)
    if not path:
        raise NoReverseMatch(f"no URL named {name!r}")
    return path


_statics = BoundedMemo(512)


@register.simple_tag
def static_url(path):
    """``{% static path %}``, remembered per process and STATIC_URL (the storage joins URLs on every call)."""
    key = (settings.STATIC_URL, path)
    url = _statics.get(key)
    if url is None:
        url = _statics.put(key, static(path))
    return url


def _current(path: str, url: str, section: str, own_section: str | None) -> str:
    if path == url:
        return ' aria-current="page"'
    if own_section and section == own_section:
        return ' aria-current="true"'
    return ""


def _link(path, url, label, section="", own_section=None, extra=""):
    if not url:
        return ""
    return (f'<li><a href="{escape(url)}"{extra}{_current(path, url, section, own_section)}>'
            f"{escape(label)}</a></li>")


NAV_MEMO_SIZE = 1024
_navs = BoundedMemo(NAV_MEMO_SIZE)
NAV_MEMO_MAX_PATH = 256


@register.simple_tag(takes_context=True)
def site_nav(context):
    """The header; everything but the sign-out form's CSRF token (new per response) is remembered per process,
    keyed by what it depends on (URLconf, path, section, role, the person's name and access window)."""
    request = context["request"]
    user = request.user
    shown = context.get("account_name") or user.get_full_name() or user.get_username()
    window_end = context.get("access_window_end")
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), request.path, context.get("nav_section", ""),
           context.get("connector_is_admin"), shown, context.get("connector_role"), window_end,
           get_current_timezone_name() if window_end else None)
    parts = _navs.get(key)
    if parts is None:
        parts = _nav_parts(request.path, context, shown, window_end)
        if len(request.path) <= NAV_MEMO_MAX_PATH:  # a long made-up path (a 404 page) is built, not remembered
            _navs.put(key, parts)
    head, logout_url, tail = parts
    if not logout_url:
        return mark_safe(head + tail)
    token = context.get("csrf_token")
    csrf = (f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'
            if token and token != "NOTPROVIDED" else "")
    return mark_safe(f'{head}<form method="post" action="{escape(logout_url)}">\n{csrf}\n'
                     f'<button class="btn btn--small btn--on-dark" type="submit">Sign out</button>\n</form>{tail}')


def _nav_parts(path, context, shown, window_end) -> tuple[str, str, str]:
    """(markup before the sign-out form, the sign-out URL or "", markup after it)."""
    section = context.get("nav_section", "")
    is_admin = context.get("connector_is_admin")
    home, messages_url = url_or_empty("connector:home"), url_or_empty("connector:messages")
    ss, endpoints = url_or_empty("connector:settings-secretserver"), url_or_empty("connector:endpoint-list")
    config, history = url_or_empty("connector:settings-configuration"), url_or_empty("accessrequests:history")
    audit, about = url_or_empty("connector:audit"), url_or_empty("connector:about")
    api_docs, logout_url = url_or_empty("api-docs"), url_or_empty("logout")

    items = [_link(path, home, "Home", section, "home")]
    if is_admin is not False:
        items.append(_link(path, messages_url, "Messages", section, "messages"))
    if ss or endpoints or config:
        active = path in (ss, endpoints, config) or section in (
            "settings-secretserver", "settings-endpoints", "settings-configuration")
        sub = [
            _link(path, ss, "Secret Server", section, "settings-secretserver") if is_admin is not False else "",
            _link(path, endpoints, "SCIM Connector Endpoints", section, "settings-endpoints",
                  ' data-busy-link="Loading endpoints from Secret Server…"'),
            _link(path, config, "Configuration Settings", section, "settings-configuration"),
        ]
        items.append(f'<li>\n<details class="nav-sub{" is-active" if active else ""}">\n<summary>Settings</summary>\n'
                     f'<ul>\n{"".join(sub)}\n</ul>\n</details>\n</li>')
    items += [_link(path, history, "History", section, "history"), _link(path, audit, "Audit", section, "audit"),
              _link(path, api_docs, "API docs"), _link(path, about, "About", section, "about")]

    account = [f'<span class="visually-hidden">Signed in as </span><span class="account__name">{escape(shown)}</span>']
    role = context.get("connector_role")
    if role:
        account.append(f'<span class="account__role"><span class="visually-hidden">Role: </span>{escape(role)}</span>')
    if window_end:
        local = template_localtime(window_end)
        account.append(f'<span class="account__window">Access until <time datetime="{escape(date_filter(local, "c"))}">'
                       f'{escape(date_filter(local, "j M Y, H:i T"))}</time></span>')
    head = ('<details class="nav-menu" data-nav-menu>\n'
            '<summary class="nav-menu__toggle"><span class="nav-menu__icon" aria-hidden="true"></span>Menu</summary>\n'
            '<div class="nav-menu__panel">\n<nav class="main-nav" aria-label="Main">\n<ul>\n'
            + "\n".join(item for item in items if item)
            + '\n</ul>\n</nav>\n<div class="account">\n<p class="account__who mb-0">\n' + "\n".join(account)
            + "\n</p>\n")
    return head, logout_url, "\n</div>\n</div>\n</details>"


@register.tag
def layout(parser, token):
    """``{% layout title="…" stylesheet="css/….css" %}content{% endlayout %}``: the page of
    ``{% extends "base.html" %}`` with blocks title, extra_head (the stylesheet's link) and content, built from
    base.html's pieces remembered per process (connector/page_shell.py) instead of its node tree."""
    bits = token.split_contents()
    kwargs = token_kwargs(bits[1:], parser)
    if set(kwargs) - {"title", "stylesheet"} or len(kwargs) != len(bits) - 1:
        raise template.TemplateSyntaxError(f"{bits[0]} takes only title=… and stylesheet=…")
    nodelist = parser.parse(("endlayout",))
    parser.delete_first_token()
    return LayoutNode(nodelist, kwargs)


class LayoutNode(template.Node):
    def __init__(self, nodelist, kwargs):
        self.nodelist = nodelist
        self.kwargs = kwargs

    def render(self, context):
        values = {name: value.resolve(context) for name, value in self.kwargs.items()}
        user = getattr(context.get("request"), "user", None)  # a page rendered before the auth middleware has none
        authenticated = bool(user is not None and user.is_authenticated)
        pieces = layout_pieces(connector_version=context.get("connector_version") or "", authenticated=authenticated,
                               connector_disabled=bool(context.get("connector_disabled")))
        stylesheet = values.get("stylesheet")
        blocks = {
            "title": conditional_escape(values.get("title", "")),
            "extra_head": f'<link rel="stylesheet" href="{conditional_escape(static_url(stylesheet))}">'
                          if stylesheet else "",
            "nav": site_nav(context) if authenticated else "",
            "content": self.nodelist.render(context),
        }
        if context.get("messages"):
            blocks["messages"] = render_to_string("components/messages.html", context.flatten())
        # A node's output goes into the page as it is (only variables are escaped): no SafeString, whose
        # construction would copy a large page once more (1,000 endpoints are 600 KB).
        return join_layout(pieces, blocks)
