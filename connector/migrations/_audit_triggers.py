"""Append-only triggers for connector_auditevent (not a migration: the loader skips modules starting with "_").

The database itself refuses UPDATE, DELETE and (PostgreSQL) TRUNCATE of audit rows, with one exemption
(since migration 0008; before it, ``on_delete=SET_NULL`` could also turn ``actor_id`` into NULL — now
``actor_id`` is hashed like every other column and a user with audit rows cannot be deleted, PROTECT):

* maintenance, for the test harness's flush and for migrations, through
  ``connector.services.audit.audit_maintenance()``:
    - PostgreSQL: the transaction-local setting ``scim.audit_maintenance = 'on'`` AND the current role has the
      privileges of the table's owner. A runtime role that does not own the table cannot use it.
    - SQLite (no roles): a row in the flag table ``connector_auditmaintenance``, which is not a Django model
      (so ``flush`` never touches it) and which normal code never writes; ``audit_maintenance`` inserts and
      removes it inside one transaction, so no other connection ever sees it.
* PostgreSQL also lets TRUNCATE through when the table is empty (a no-op), so test flushes of suites that
  never wrote an audit row keep working even without the pytest plugin.

Any later migration that rebuilds the table on SQLite (AlterField etc.) drops its triggers: call
``install(schema_editor)`` again at the end of that migration.
"""

TABLE = "connector_auditevent"
FLAG_TABLE = "connector_auditmaintenance"
MESSAGE = "audit rows are append-only"

POSTGRESQL_INSTALL = [
    f"""
    CREATE OR REPLACE FUNCTION {TABLE}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF coalesce(current_setting('scim.audit_maintenance', true), '') = 'on'
           AND pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
            IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
            RETURN NEW;
        END IF;
        IF TG_OP = 'TRUNCATE' THEN
            IF NOT EXISTS (SELECT 1 FROM {TABLE}) THEN RETURN NULL; END IF;
        END IF;
        RAISE EXCEPTION '{MESSAGE} (% refused on %)', TG_OP, TG_TABLE_NAME
            USING ERRCODE = 'restrict_violation';
    END
    $$;
    """,
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only_row ON {TABLE};",
    f"""CREATE TRIGGER {TABLE}_append_only_row BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION {TABLE}_append_only();""",
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only_truncate ON {TABLE};",
    f"""CREATE TRIGGER {TABLE}_append_only_truncate BEFORE TRUNCATE ON {TABLE}
        FOR EACH STATEMENT EXECUTE FUNCTION {TABLE}_append_only();""",
]

POSTGRESQL_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only_row ON {TABLE};",
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only_truncate ON {TABLE};",
    f"DROP FUNCTION IF EXISTS {TABLE}_append_only();",
]

_NOT_MAINTENANCE = f"NOT EXISTS (SELECT 1 FROM {FLAG_TABLE})"

SQLITE_INSTALL = [
    f"CREATE TABLE IF NOT EXISTS {FLAG_TABLE} (id integer NOT NULL PRIMARY KEY CHECK (id = 1));",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update;",
    f"""CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
        WHEN {_NOT_MAINTENANCE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_delete;",
    f"""CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
        WHEN {_NOT_MAINTENANCE}
        BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;""",
]

SQLITE_UNINSTALL = [
    f"DROP TRIGGER IF EXISTS {TABLE}_no_update;",
    f"DROP TRIGGER IF EXISTS {TABLE}_no_delete;",
    f"DROP TABLE IF EXISTS {FLAG_TABLE};",
]


def _run(schema_editor, statements):
    for sql in statements:
        schema_editor.execute(sql, params=None)


def install(schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRESQL_INSTALL)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_INSTALL)
    else:  # Fail loudly rather than run with a mutable audit table.
        raise NotImplementedError(f"No append-only triggers for database vendor {vendor!r}.")


def uninstall(schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(schema_editor, POSTGRESQL_UNINSTALL)
    elif vendor == "sqlite":
        _run(schema_editor, SQLITE_UNINSTALL)
