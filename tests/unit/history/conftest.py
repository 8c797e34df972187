"""History and audit browser fixtures."""
from tests.history_fixtures import _clear_cache, approved_with_timeline, auditor, make_request  # noqa: F401
from tests.plugins.audit_flush import audit_flush_bypass  # noqa: F401
