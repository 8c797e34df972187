"""Sign-in forms: ours and the admin site's, both through SecretServerBackend."""
from django import forms
from django.contrib.auth import authenticate
from django.contrib.auth.forms import AuthenticationForm
from django.views.decorators.debug import sensitive_variables

from connector.messages import MSG_INCORRECT, MSG_NO_PERMISSION, MSG_PASSWORD_REQUIRED, MSG_USERNAME_REQUIRED
from connector.services.signin import Outcome


class SigninForm(AuthenticationForm):
    """User name, password, optional domain. ``request_again`` comes from the "Request access again" button."""

    username = forms.CharField(label="User name", max_length=254,
                               error_messages={"required": MSG_USERNAME_REQUIRED},
                               widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label="Password", strip=False, error_messages={"required": MSG_PASSWORD_REQUIRED},
                               widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))
    domain = forms.CharField(label="Domain (optional)", required=False, max_length=255)
    request_again = forms.BooleanField(required=False, widget=forms.HiddenInput)

    outcome = None

    def hidden_fields(self):
        return [f for f in super().hidden_fields() if f.name != "request_again"]

    @sensitive_variables("password")
    def clean(self):
        username, password = self.cleaned_data.get("username"), self.cleaned_data.get("password")
        if not username or not password:
            return self.cleaned_data
        self.user_cache = authenticate(self.request, username=username, password=password,
                                       domain=self.cleaned_data.get("domain") or None,
                                       request_again=bool(self.cleaned_data.get("request_again")))
        self.outcome = getattr(self.request, "signin_outcome", None)
        if self.user_cache is None:
            kind = self.outcome.kind if self.outcome else Outcome.FAILED
            raise forms.ValidationError(self.outcome.message if self.outcome else MSG_INCORRECT,
                                        code=kind)
        self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class AdminSigninForm(SigninForm):
    """The admin site's login: same check, and only staff (administrators, auditors) get in."""

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if not user.is_staff:
            raise forms.ValidationError(MSG_NO_PERMISSION, code="no_permission")
