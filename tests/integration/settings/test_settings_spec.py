"""A setting is declared once (connector/configuration.py) and appears everywhere: a fake one proves it."""
import json

import pytest

from connector.configuration import SECTION_SCIM, SETTINGS, ConnectorSettings, SettingSpec, register_setting, \
    unregister_setting
from connector.forms.settings import ConfigurationSettingsForm

pytestmark = pytest.mark.django_db
PAGE = "/settings/configuration/"
API = "/api/connector/settings/"


@pytest.fixture
def fake_setting():
    spec = register_setting(SettingSpec(
        "scim_page_size", int, 100, "SCIM page size", "Resources returned per page of a SCIM list.",
        SECTION_SCIM, minimum=1, maximum=500))
    yield spec
    unregister_setting(spec.name)
    assert "scim_page_size" not in SETTINGS


def test_a_registered_setting_is_an_attribute_with_its_default(fake_setting):
    assert ConnectorSettings().scim_page_size == 100
    assert ConnectorSettings(scim_page_size=7).as_dict()["scim_page_size"] == 7


def test_a_registered_setting_is_on_the_form(fake_setting):
    form = ConfigurationSettingsForm()
    field = form.fields["scim_page_size"]
    assert (field.label, field.help_text) == ("SCIM page size", "Resources returned per page of a SCIM list.")
    legends = {legend: [bound.name for bound in fields] for legend, fields in form.sections()}
    assert legends[SECTION_SCIM][-1] == "scim_page_size"


def test_a_registered_setting_is_in_the_api_schema(admin_client, fake_setting):
    schema = admin_client.get("/api/schema/", HTTP_ACCEPT="application/json").json()["components"]["schemas"]
    assert schema["SettingsOutput"]["properties"]["scim_page_size"] == {
        "type": "integer", "description": "Resources returned per page of a SCIM list."}
    assert "scim_page_size" in schema["PatchedSettingsInput"]["properties"]


def test_a_registered_setting_is_on_the_page_and_saved_to_secret_server(admin_client, ss, configured, fake_setting):
    page = admin_client.get(PAGE).content.decode()
    assert 'name="scim_page_size"' in page and "SCIM page size" in page and 'value="100"' in page

    refused = admin_client.patch(API, {"revision": 1, "scim_page_size": 501}, content_type="application/json")
    assert refused.status_code == 400 and refused.json() == {"scim_page_size": ["Enter a number from 1 to 500."]}
    saved = admin_client.patch(API, {"revision": 1, "scim_page_size": 250}, content_type="application/json")
    assert saved.status_code == 200 and saved.json()["scim_page_size"] == 250
    stored = json.loads(ss.state.secret_items(configured.secret_id)["notes"])
    assert stored["settings"]["scim_page_size"] == 250
    assert 'value="250"' in admin_client.get(PAGE).content.decode()


def test_a_setting_cannot_be_declared_twice_or_with_a_default_that_breaks_its_rule():
    with pytest.raises(ValueError, match="declared twice"):
        register_setting(SETTINGS["bulk_max_operations"])
    with pytest.raises(ValueError, match="breaks its own rule"):
        register_setting(SettingSpec("broken", int, 0, "Broken", "", SECTION_SCIM, minimum=1, maximum=2))
    assert "broken" not in SETTINGS


def test_a_saved_value_is_validated_once(admin_client, ss, configured, monkeypatch):
    """The page's save checks the new value against its rule once, in the service (it was three times)."""
    checked = []
    original = SettingSpec.error

    def counting(self, value):
        if self.name == "ui_session_minutes" and value == 37:
            checked.append(value)
        return original(self, value)

    monkeypatch.setattr(SettingSpec, "error", counting)
    values = {**ConnectorSettings().as_dict(), "ui_session_minutes": 37, "revision": 1}
    form = {k: ("on" if v is True else v) for k, v in values.items() if v is not False}
    assert admin_client.post(PAGE, form).status_code == 302
    assert json.loads(ss.state.secret_items(configured.secret_id)["notes"])["settings"]["ui_session_minutes"] == 37
    assert checked == [37]
