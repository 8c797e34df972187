"""Where people see the SCIM service: Home, About, Messages, the endpoint page."""
from django.urls import reverse


def test_home_and_about_say_what_is_served(admin_client):
    home = admin_client.get("/").content.decode()
    assert "served under /v2" in home and "not served yet" not in home
    about = admin_client.get(reverse("connector:about")).content.decode()
    assert "/v2" in about and "/Users" in about


def test_messages_show_scim_requests_and_failures_stand_out(admin_client, scim):
    scim.get("/v2/Users?count=1")
    scim.get("/v2/Users/999999")
    page = admin_client.get(reverse("connector:messages")).content.decode()
    assert "SCIM requests" in page and "/v2/Users/999999" in page and "Okta production" in page
    assert "table__row--failure" in page and "Resource &#x27;999999&#x27; not found" in page
    feed = admin_client.get(reverse("connector:messages-feed")).content.decode()
    assert "/v2/Users?count=1" in feed


def test_messages_say_why_scim_is_disabled(admin_client, set_settings):
    set_settings(connector_disabled=True)
    page = admin_client.get(reverse("connector:messages")).content.decode()
    assert "SCIM is disabled" in page and "SCIM Connector Disabled is set in the configuration." in page


def test_endpoint_page_shows_the_base_url_next_to_the_token(admin_client, endpoint):
    page = admin_client.get(reverse("connector:endpoint-edit", args=[endpoint.endpoint.ss_secret_id]))
    assert page.status_code == 200
    assert 'id="scim-base-url">http://testserver/v2</code>' in page.content.decode()
