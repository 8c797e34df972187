"""Forms of the settings area: first-time setup and the configuration settings.

Forms only parse and shape input; the rules live in connector/configuration.py (the settings spec) and run
once, in the configuration service.
"""
from __future__ import annotations

from django import forms

from connector.configuration import SECTIONS, SETTINGS, ConnectorSettings, SettingSpec
from connector.fast_forms import StaticMarkupForm
from connector.messages import MSG_PASSWORD_REQUIRED, MSG_USERNAME_REQUIRED, MSG_WHOLE_NUMBER


class SecretServerSetupForm(StaticMarkupForm):
    url = forms.CharField(label="Secret Server URL", max_length=500,
                          help_text="For example https://secretserver.example.com/SecretServer",
                          widget=forms.URLInput(attrs={"autocomplete": "url", "spellcheck": "false"}))
    admin_username = forms.CharField(label="Administrator user name", max_length=255,
                                     help_text="A Secret Server administrator (Administer Role Permissions).",
                                     widget=forms.TextInput(attrs={"autocomplete": "username"}))
    admin_password = forms.CharField(label="Administrator password", strip=False,
                                     widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    admin_domain = forms.CharField(label="Administrator domain", max_length=255, required=False)
    app_username = forms.CharField(label="Application account", max_length=255,
                                   help_text="The Secret Server application account the connector acts as.",
                                   widget=forms.TextInput(attrs={"autocomplete": "off"}))
    app_password = forms.CharField(label="Application account password", strip=False,
                                   widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    app_domain = forms.CharField(label="Application account domain", max_length=255, required=False)
    app_site_id = forms.IntegerField(label="Site", required=False, min_value=1,
                                     help_text="Secret Server site id; leave empty for the default site.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["admin_password"].error_messages["required"] = MSG_PASSWORD_REQUIRED
        self.fields["app_password"].error_messages["required"] = MSG_PASSWORD_REQUIRED
        self.fields["admin_username"].error_messages["required"] = MSG_USERNAME_REQUIRED
        self.fields["app_username"].error_messages["required"] = MSG_USERNAME_REQUIRED


TEXT_INPUT_MAX_LENGTH = 500
"""What a free-text setting's input accepts: more than any rule allows, so an over-long value gets the rule's
message from the service instead of being cut short by the browser."""


def setting_form_field(spec: SettingSpec) -> forms.Field:
    """The form field of one declared setting: it parses the type; the rules are the service's."""
    common = {"label": spec.label, "help_text": spec.help}
    if spec.kind is bool:
        return forms.BooleanField(required=False, **common)
    if spec.kind is int:
        return forms.IntegerField(error_messages={"invalid": MSG_WHOLE_NUMBER}, **common)
    if spec.choices:
        return forms.ChoiceField(choices=[(c, c) for c in spec.choices], **common)
    return forms.CharField(strip=True, max_length=TEXT_INPUT_MAX_LENGTH, **common)


class ConfigurationSettingsForm(StaticMarkupForm):
    """One field per declared setting (connector/configuration.py ``SETTINGS``), plus the revision the form
    was loaded at. The template renders ``sections()``; validation beyond parsing is the service's.
    The fields come from the static spec, so their unbound markup is remembered (``StaticMarkupForm``)."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, spec in SETTINGS.items():
            self.fields[name] = setting_form_field(spec)

    @classmethod
    def initial_from(cls, settings: ConnectorSettings, revision: int) -> dict:
        return {**settings.as_dict(), "revision": revision}

    def sections(self) -> list[tuple[str, list]]:
        """``[(legend, [bound fields])]`` in the spec's order, for the page's fieldsets."""
        return [(section, [self[name] for name, spec in SETTINGS.items() if spec.section == section])
                for section in SECTIONS]

    def setting_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in SETTINGS}
