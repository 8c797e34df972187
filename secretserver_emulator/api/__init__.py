"""Secret Server REST handlers, split by area; `ROUTES` is the assembled table."""
from ..router import collect
from . import access_requests, auth, folders, groups, roles, secret_permissions, secrets, templates, users

ROUTES = collect(auth, users, groups, roles, folders, secrets, secret_permissions, templates, access_requests)
