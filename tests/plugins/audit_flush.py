"""pytest plugin: let the test harness flush the append-only audit table.

TransactionTestCase / ``transactional_db`` / ``live_server`` teardown runs ``flush``: ``TRUNCATE`` on
PostgreSQL and ``DELETE`` on SQLite, which the audit triggers refuse. This plugin wraps Django's
``execute_sql_flush`` (used only by ``flush``) in ``connector.services.audit.audit_maintenance()`` for the
duration of the test session. Application code is untouched: ``manage.py flush`` outside pytest still
refuses to wipe the audit trail.

Register it once, from the root ``tests/conftest.py``::

    pytest_plugins = ["tests.plugins.audit_flush"]

(A non-root conftest may instead ``from tests.plugins.audit_flush import audit_flush_bypass``.)
"""
import pytest
from django.db.backends.base.operations import BaseDatabaseOperations

_MARK = "_audit_flush_bypass_original"


def install() -> None:
    """Idempotent: wrap BaseDatabaseOperations.execute_sql_flush in audit_maintenance()."""
    if hasattr(BaseDatabaseOperations, _MARK):
        return
    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        from connector.services.audit import audit_maintenance

        with audit_maintenance(using=self.connection.alias):
            return original(self, sql_list)

    setattr(BaseDatabaseOperations, _MARK, original)
    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush


def uninstall() -> None:
    original = BaseDatabaseOperations.__dict__.get(_MARK)
    if original is not None:
        BaseDatabaseOperations.execute_sql_flush = original
        delattr(BaseDatabaseOperations, _MARK)


@pytest.fixture(autouse=True, scope="session")
def audit_flush_bypass():
    """Active for the whole session once any test in scope requests it (autouse)."""
    install()
    yield
    uninstall()
