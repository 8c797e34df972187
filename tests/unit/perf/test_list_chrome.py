"""The keyset lists' filter bar and pagination, built in Python (connector/templatetags/connector_fast.py), write
what the component templates they replaced wrote (kept here, verbatim, as the reference)."""
import pytest
from django.template import engines

from accessrequests.selectors import SORT_LABELS, access_request_filterset
from connector.templatetags.connector_fast import filter_bar, pagination

pytestmark = pytest.mark.django_db

OLD_FILTER_FORM = engines["django"].from_string(
    '{% load connector_fast %}<form class="filters" method="get" action="" role="search" aria-label="{{ filter_label }}'
    '">\n  {% filter_fields form %}\n  <div class="field">\n    <label for="id_sort">Sort</label>\n    <select name="so'
    'rt" id="id_sort">\n      {% sort_options sort_choices sort %}\n    </select>\n  </div>\n  <div class="filters__act'
    'ions">\n    <button class="btn btn--primary" type="submit">Apply</button>\n    {% if is_filtered %}<a class="btn b'
    'tn--link" href="{{ clear_url }}">Clear</a>{% endif %}\n  </div>\n</form>\n')
OLD_PAGINATION = engines["django"].from_string(
    '{% if page_prev_url or page_next_url %}\n<nav class="pagination" aria-label="{{ page_label|default:\'Pagination\' '
    '}}">\n  <ul>\n    <li>{% if page_prev_url %}<a class="btn btn--secondary" href="{{ page_prev_url }}" rel="prev"><sp'
    'an aria-hidden="true">&larr;</span> Newer</a>{% else %}<span class="is-disabled" aria-disabled="true"><span aria-h'
    'idden="true">&larr;</span>&nbsp;Newer</span>{% endif %}</li>\n    {% if page_summary %}<li class="pagination__sum'
    'mary">{{ page_summary }}</li>{% endif %}\n    <li>{% if page_next_url %}<a class="btn btn--secondary" href="{{ pag'
    'e_next_url }}" rel="next">Older <span aria-hidden="true">&rarr;</span></a>{% else %}<span class="is-disabled" aria'
    '-disabled="true">Older&nbsp;<span aria-hidden="true">&rarr;</span></span>{% endif %}</li>\n  </ul>\n</nav>{% endif'
    ' %}\n')


@pytest.mark.parametrize("data", [{}, {"status": "Approved", "q": 'a "b" <c> & d'}, {"requester": "x", "sort": "zzz"}])
@pytest.mark.parametrize("is_filtered", [True, False])
def test_filter_bar_is_the_filter_form_component(data, is_filtered):
    form = access_request_filterset(data).form
    sort = data.get("sort", "-requested_at")
    label, clear_url = 'Filter "the" <history> & more', "/history/?a=1&b=<2>"
    expected = OLD_FILTER_FORM.render({"form": form, "sort": sort, "sort_choices": SORT_LABELS.items(),
                                       "is_filtered": is_filtered, "filter_label": label, "clear_url": clear_url})
    assert filter_bar(form, sort, SORT_LABELS.items(), is_filtered, label=label, clear_url=clear_url) == expected


@pytest.mark.parametrize("prev_url", [None, "", "?cursor=a%3Ab&q=x&sort=<y>"])
@pytest.mark.parametrize("next_url", [None, "?cursor=c&d=\"e\""])
@pytest.mark.parametrize("summary,label", [("50 requests per page", "History pages"), ("", ""), ("a & <b>", 'c "d"')])
def test_pagination_is_the_pagination_component(prev_url, next_url, summary, label):
    expected = OLD_PAGINATION.render({"page_prev_url": prev_url, "page_next_url": next_url, "page_summary": summary,
                                      "page_label": label})
    assert pagination(prev_url, next_url, summary=summary, label=label) == expected
