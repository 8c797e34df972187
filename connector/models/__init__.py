"""Models of the connector app, one module per area; re-export every model here.

Add your own module (e.g. ``endpoints.py``) and one import line below, so concurrent work does not collide.
"""
from .audit import AuditEvent, AuditOutcome
from .bootstrap import ConnectorBootstrap
from .identity import SecretServerIdentity  # noqa: F401  (sign-in)
from .endpoints import EndpointMirror  # noqa: F401  (SCIM endpoints)
from .mirror import FolderMirror, SettingsMirror  # noqa: F401 (settings area)

__all__ = ["AuditEvent", "AuditOutcome", "ConnectorBootstrap"]
