"""base.html as static text around its blocks, built once per process: the busiest pages fill it instead of
rendering the layout's node tree on every view.

Rendering base.html (about 60 nodes, the header, the footer and ``{% extends %}``'s block lookup) was more
than half of the history and audit lists' template time, and its output differs between views only in the
blocks. So base.html is rendered once per key with a marker in each block and no request or person in the
context, and split at the markers; a page then joins those pieces with its blocks' HTML
(``{% layout %}`` in connector/templatetags/connector_nav.py). base.html stays the one source of
the layout: tests/unit/perf/test_page_shell.py pins that the result is the same bytes as ``{% extends
"base.html" %}`` for each kind of person, with and without messages. What base.html reads outside its
blocks must be in the key below; anything else would render empty here, and that test would fail.
"""
from __future__ import annotations

import re
from types import SimpleNamespace

from django.conf import settings
from django.template import Context, engines
from django.urls import get_script_prefix, get_urlconf
from django.utils.translation import get_language

from connector.memo import BoundedMemo

BLOCKS = ("title", "extra_head", "body_class", "nav", "main_class", "messages", "content")
_MARKER = "\x00shell-block:{}\x00"  # NUL never comes out of a template's text or an escaped variable
_SPLIT = re.compile("\x00shell-block:([a-z_]+)\x00")
_AUTHENTICATED = SimpleNamespace(user=SimpleNamespace(is_authenticated=True))
_ANONYMOUS = SimpleNamespace(user=SimpleNamespace(is_authenticated=False))

_shells = BoundedMemo(64)


def layout_pieces(*, connector_version: str, authenticated: bool, connector_disabled: bool) -> tuple:
    """(text, block name, text, block name, …, text): base.html split at its blocks, for this URLconf, script
    prefix and static URL (the header's and footer's links), language, connector version and disabled banner."""
    key = (get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), settings.STATIC_URL, get_language(),
           connector_version, authenticated, connector_disabled)
    pieces = _shells.get(key)
    if pieces is None:
        source = '{% extends "base.html" %}' + "".join(
            f"{{% block {name} %}}{_MARKER.format(name)}{{% endblock %}}" for name in BLOCKS)
        template = engines["django"].engine.from_string(source)
        # A stand-in request that only says whether someone is signed in: nothing of a person can end up in
        # a piece that every person's pages share.
        html = template.render(Context({
            "connector_version": connector_version, "connector_disabled": connector_disabled,
            "request": _AUTHENTICATED if authenticated else _ANONYMOUS}))
        pieces = tuple(_SPLIT.split(html))
        if sorted(pieces[1::2]) != sorted(BLOCKS):
            raise ValueError("base.html must show each of its blocks exactly once")
        _shells.put(key, pieces)
    return pieces


def join_layout(pieces: tuple, blocks: dict[str, str]) -> str:
    """The page: the layout's text with each block's HTML (missing blocks are empty) in its place."""
    return "".join(piece if i % 2 == 0 else blocks.get(piece, "") for i, piece in enumerate(pieces))
