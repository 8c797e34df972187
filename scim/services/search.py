"""Filtering, sorting and paging of candidate lists, all in process (the filter is scim2-models')."""
from __future__ import annotations

from scim2_server.storage import SearchPage


def page_of(search_request, items: list, build) -> SearchPage:
    """Apply the whole filter to every candidate, sort, then slice: ``totalResults`` counts every match.

    ``items`` come in a stable order (Secret Server id); without filter and sort only the page is built.
    """
    start = search_request.start_index_0 or 0
    count = search_request.count
    scim_filter = search_request.filter
    if scim_filter is None and search_request.sort_by is None:
        chosen = items[start:None if count is None else start + count]
        return SearchPage(len(items), [build(i) for i in chosen])
    resources = [build(i) for i in items]
    if scim_filter is not None:
        resources = [r for r in resources if scim_filter.match(r)]
    resources = search_request.sort(resources)
    return SearchPage(len(resources), resources[start:None if count is None else start + count])
