"""Sign-in, sign-out: thin views over connector.services.signin (via the auth backend)."""
from django.contrib.auth import logout
from django.contrib.auth.views import LoginView
from django.http import HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from connector.forms.signin import SigninForm
from connector.services.audit import AuditWriteError, audit_record
from connector.services.connection import connector_is_configured
from connector.services.setup import SHARE_AS_OWNER
from connector.services.signin import MSG_NOT_CONFIGURED, Outcome

NOTICE_KEY = "signin_notice"


def _url(name: str, fallback: str = "/") -> str:
    try:
        return resolve_url(name)
    except NoReverseMatch:
        return fallback


def landing_url(access) -> str:
    """Administrators land on the connector's home, auditors on the request history."""
    if access is not None and access.is_auditor:
        return _url("accessrequests:history")
    return _url("connector:home")


def _setup_link():
    for name in ("connector:setup", "connector:settings-secretserver", "setup"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return None


class SigninView(LoginView):
    """GET shows the form; POST checks with Secret Server. Pending/denied show as notices on this page."""

    form_class = SigninForm
    template_name = "registration/login.html"
    redirect_authenticated_user = False

    def get_default_redirect_url(self):
        return landing_url(getattr(self.request, "connector_access", None))

    def form_invalid(self, form):
        outcome = form.outcome
        if outcome is not None and outcome.kind in (Outcome.PENDING, Outcome.DENIED):
            fresh = self.get_form_class()(self.request, initial={"username": form.data.get("username", ""),
                                                                 "domain": form.data.get("domain", "")})
            return self.render_to_response(self.get_context_data(form=fresh, outcome=outcome))
        return self.render_to_response(self.get_context_data(form=form, outcome=outcome))

    def get_context_data(self, outcome=None, **kwargs):
        context = super().get_context_data(**kwargs)
        notice = self.request.session.pop(NOTICE_KEY, None) if self.request.method == "GET" else None
        if outcome is not None and outcome.kind in (Outcome.PENDING, Outcome.DENIED):
            context["share_hint"] = SHARE_AS_OWNER  # a View/Edit share does not spare anyone the request
        if outcome is not None and outcome.kind == Outcome.PENDING:
            notice = outcome.message
        elif outcome is not None and outcome.kind == Outcome.DENIED:
            notice = format_html(
                "Your access request was denied by {}: “{}” Enter your password and choose "
                "<strong>Request access again</strong> to send a new request.",
                outcome.reviewer or "the reviewer", outcome.reviewer_comment or "no justification given")
            context["show_request_again"] = True
        elif not connector_is_configured() and (outcome is None or outcome.kind == Outcome.NOT_CONFIGURED):
            link = _setup_link()
            notice = (format_html('{} <a href="{}">Set up the connector</a>.', MSG_NOT_CONFIGURED, link) if link
                      else MSG_NOT_CONFIGURED)
        context["login_notice"] = notice
        return context


signin_view = SigninView.as_view()


@never_cache
@require_POST
def signout_view(request):
    """POST only; ends the session server-side and leaves one ``auth.signout`` audit row."""
    if request.user.is_authenticated:
        try:
            audit_record(action="auth.signout", outcome="success", request=request)
        except AuditWriteError:
            pass  # signing out must always work; the session still ends
        logout(request)
    request.session[NOTICE_KEY] = "You are signed out."
    return HttpResponseRedirect(reverse("login"))
