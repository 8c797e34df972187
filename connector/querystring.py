"""Build list-page links that keep the current filters (and drop or replace the cursor)."""
from urllib.parse import urlencode


def query_with(request, **changes) -> str:
    """``?...`` with ``changes`` applied to the current query string; a None value removes the key."""
    params = request.GET.copy()
    for key, value in changes.items():
        params.pop(key, None)
        if value not in (None, ""):
            params[key] = value
    cleaned = [(k, v) for k, values in params.lists() for v in values if v != ""]
    return "?" + urlencode(cleaned) if cleaned else "?"
