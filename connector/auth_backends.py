"""The only authentication backend: Secret Server checks every password (there are no local ones).

Permissions: the connector's roles (administrator, auditor: both ``is_staff``, set from the role at each
sign-in) browse the admin site read-only, so the backend grants exactly the ``view_*`` permissions of the
connector's own apps to an active staff user, and nothing else (no add/change/delete anywhere, no
``auth`` models). The admin pages also demand the live role of this session (connector/admin_base.py).

healthchecks' shape: ``authenticate`` returns the user or ``None`` and delegates the decision to
``connector.services.signin.signin_check``; the outcome is left on ``request.signin_outcome`` so the form
can show the exact message (pending, denied with the reviewer's comment, expired password...).
"""
from django.contrib.auth.models import Permission
from django.contrib.auth.backends import BaseBackend

from connector.services.signin import signin_check
from connector.services.user_memo import user_by_pk


READ_ONLY_APPS = ("connector", "accessrequests")


class SecretServerBackend(BaseBackend):
    def authenticate(self, request, username=None, password=None, domain=None, request_again=False, **kwargs):
        if username is None or password is None:
            return None
        outcome = signin_check(username=username, password=password, domain=domain, request=request,
                               request_again=request_again)
        if request is not None:
            request.signin_outcome = outcome
        return outcome.user if outcome.allowed else None

    def get_all_permissions(self, user_obj, obj=None):
        if obj is not None or not user_obj.is_active or user_obj.is_anonymous or not user_obj.is_staff:
            return set()
        if not hasattr(user_obj, "_connector_view_perms"):
            rows = Permission.objects.filter(content_type__app_label__in=READ_ONLY_APPS,
                                             codename__startswith="view_")
            user_obj._connector_view_perms = {f"{app}.{codename}" for app, codename in
                                              rows.values_list("content_type__app_label", "codename")}
        return user_obj._connector_view_perms

    def has_module_perms(self, user_obj, app_label):
        return any(perm.startswith(f"{app_label}.") for perm in self.get_all_permissions(user_obj))

    def get_user(self, user_id):
        """Per process, re-read when any user changes or after 60 s (connector/services/user_memo.py)."""
        user = user_by_pk(user_id)
        return user if user is not None and user.is_active else None
