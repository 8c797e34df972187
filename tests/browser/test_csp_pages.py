"""Pages we do not template ourselves (admin, API docs) still work under the strict CSP: no violations."""
import pytest


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("path", ["/admin/login/", "/api/docs/"])
def test_third_party_pages_render_without_csp_violations(page, live_server, path):
    page.goto(live_server.url + path)
    page.wait_for_load_state("networkidle")
    if path == "/api/docs/":
        page.wait_for_selector(".swagger-ui .info", timeout=10000)
    assert page.console_errors == []
