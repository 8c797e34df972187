"""Forms of the settings area: first-time setup and the configuration settings.

Forms only parse and shape input; the rules live in connector/configuration.py and the services.
"""
from __future__ import annotations

from django import forms

from connector.configuration import FIELD_RULES, LOG_FREQUENCIES, ConnectorSettings
from connector.messages import MSG_PASSWORD_REQUIRED, MSG_USERNAME_REQUIRED, MSG_WHOLE_NUMBER


class SecretServerSetupForm(forms.Form):
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


def _label(name):
    return FIELD_RULES[name][0]


def _help(name):
    return FIELD_RULES[name][1]


class ConfigurationSettingsForm(forms.Form):
    """One field per setting in connector/configuration.py, plus the revision the form was loaded at."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    bulk_max_operations = forms.IntegerField(label=_label("bulk_max_operations"), help_text=_help("bulk_max_operations"))
    bulk_max_payload = forms.IntegerField(label=_label("bulk_max_payload"), help_text=_help("bulk_max_payload"))
    ui_session_minutes = forms.IntegerField(label=_label("ui_session_minutes"), help_text=_help("ui_session_minutes"))
    endpoint_token_days = forms.IntegerField(label=_label("endpoint_token_days"),
                                             help_text=_help("endpoint_token_days"))
    error_threshold = forms.IntegerField(label=_label("error_threshold"), help_text=_help("error_threshold"))
    log_frequency = forms.ChoiceField(label=_label("log_frequency"), help_text=_help("log_frequency"),
                                      choices=[(f, f) for f in LOG_FREQUENCIES])
    allow_http_endpoints = forms.BooleanField(label=_label("allow_http_endpoints"), required=False,
                                              help_text=_help("allow_http_endpoints"))
    connector_disabled = forms.BooleanField(label=_label("connector_disabled"), required=False,
                                            help_text=_help("connector_disabled"))
    auditors_group = forms.CharField(label=_label("auditors_group"), help_text=_help("auditors_group"),
                                     max_length=500, strip=True)
    access_window_days = forms.IntegerField(label=_label("access_window_days"), help_text=_help("access_window_days"))

    SETTING_NAMES = tuple(FIELD_RULES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.IntegerField) and name != "revision":
                field.error_messages["invalid"] = MSG_WHOLE_NUMBER

    @classmethod
    def initial_from(cls, settings: ConnectorSettings, revision: int) -> dict:
        return {**settings.as_dict(), "revision": revision}

    def clean(self):
        cleaned = super().clean()
        for name, (_label_text, _help_text, rule) in FIELD_RULES.items():
            if name in cleaned and name not in self.errors:
                message = rule(cleaned[name])
                if message:
                    self.add_error(name, message)
        return cleaned

    def setting_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.SETTING_NAMES}

    def apply_field_errors(self, field_errors: dict[str, str]) -> None:
        for name, message in field_errors.items():
            self.add_error(name if name in self.fields else None, message)
