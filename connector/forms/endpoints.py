"""Endpoint add/edit form and its permission-mapping formset. Business rules live in services.endpoints."""
from django import forms

from connector.services.endpoints import (
    MAPPING_ROLES,
    MAPPING_TYPES,
    MSG_NAME_REQUIRED,
    MSG_PASSWORD_REQUIRED,
    MSG_URL_INVALID,
    MSG_USERNAME_REQUIRED,
)

ROLE_CHOICES = [("", "Role…")] + [(r, r) for r in MAPPING_ROLES["Container"]]
TYPE_CHOICES = [("", "Type…")] + [(t, "Privileged data" if t == "PrivilegedData" else t) for t in MAPPING_TYPES]


class EndpointForm(forms.Form):
    name = forms.CharField(label="Endpoint name", max_length=255,
                           error_messages={"required": MSG_NAME_REQUIRED})
    url = forms.CharField(label="URL", max_length=2000, error_messages={"required": MSG_URL_INVALID},
                          widget=forms.URLInput(attrs={"inputmode": "url", "spellcheck": "false"}),
                          help_text="Must be https unless “Allow HTTP endpoints” is on.")
    username = forms.CharField(label="User name", max_length=255,
                               error_messages={"required": MSG_USERNAME_REQUIRED},
                               widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}))
    password = forms.CharField(label="Password", max_length=4000, strip=False,
                               error_messages={"required": MSG_PASSWORD_REQUIRED},
                               widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}))

    allow_sensitive_reads = forms.BooleanField(
        label="Allow reading sensitive values", required=False,
        help_text="Lets this endpoint read passwords and keys of secrets through SCIM "
                  "(GET /v2/PrivilegedData/GetFields). Off by default; every such read is audited.")
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)

    def __init__(self, *args, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["password"].required = False
            self.fields["password"].help_text = "Leave blank to keep the current password."
        else:  # a new endpoint has no revision to compare with
            del self.fields["revision"]

    @classmethod
    def initial_from(cls, endpoint) -> dict:
        """The edit form's values for ``endpoint`` as Secret Server holds it (never the password)."""
        return {"name": endpoint.name, "url": endpoint.url, "username": endpoint.username,
                "allow_sensitive_reads": endpoint.allow_sensitive_reads, "revision": endpoint.revision}

    def endpoint_values(self) -> dict:
        """The endpoint's fields for the service (the revision goes separately as ``expected_revision``)."""
        return {k: v for k, v in self.cleaned_data.items() if k != "revision"}


class MappingForm(forms.Form):
    type = forms.ChoiceField(label="Type", choices=TYPE_CHOICES, required=False)
    value = forms.CharField(label="Endpoint value", max_length=255, required=False)
    role = forms.ChoiceField(label="Secret Server role", choices=ROLE_CHOICES, required=False)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {}) or {}
        return not any((data.get("type"), (data.get("value") or "").strip(), data.get("role")))


MappingFormSet = forms.formset_factory(MappingForm, extra=1, max_num=100, validate_max=True)


def mappings_from_formset(formset) -> list[dict]:
    """Non-blank rows as plain dicts; the service validates them (type, value, role for the type)."""
    return [{"type": f.cleaned_data.get("type"), "value": f.cleaned_data.get("value"),
             "role": f.cleaned_data.get("role")} for f in formset.forms if not f.is_blank()]
