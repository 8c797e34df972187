"""Loads the person's connector role from the session into ``request.connector_access``.

Re-checking the role with Secret Server (at most once a minute) is done by ``access_recheck`` in
connector/services/signin.py when it exists; until then the role recorded at sign-in applies.
"""
from connector.access import session_access_get


class ConnectorAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.connector_access = session_access_get(request) if request.user.is_authenticated else None
        return self.get_response(request)
