"""The only authentication backend: Secret Server checks every password (there are no local ones).

healthchecks' shape: ``authenticate`` returns the user or ``None`` and delegates the decision to
``connector.services.signin.signin_check``; the outcome is left on ``request.signin_outcome`` so the form
can show the exact message (pending, denied with the reviewer's comment, expired password...).
"""
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import BaseBackend

from connector.services.signin import signin_check


class SecretServerBackend(BaseBackend):
    def authenticate(self, request, username=None, password=None, domain=None, request_again=False, **kwargs):
        if username is None or password is None:
            return None
        outcome = signin_check(username=username, password=password, domain=domain, request=request,
                               request_again=request_again)
        if request is not None:
            request.signin_outcome = outcome
        return outcome.user if outcome.allowed else None

    def get_user(self, user_id):
        user = get_user_model()._default_manager.filter(pk=user_id).first()
        return user if user is not None and user.is_active else None
