"""Indexed word search for the access-request history (see accessrequests/filters.py for the query side).

The search covers requester_name, reviewer_name, comment and justification, and is maintained by the
database itself, so every write path (the sync's create()/update(), admin, raw SQL, bulk loads) keeps it
current; no Python code has to remember it.

* PostgreSQL: a STORED generated ``search_vector`` tsvector column (config ``simple``: lower-case, no
  stemming, no stop words) with a GIN index. ASCII punctuation is turned into spaces first, so
  ``alice@example.com`` or ``on-call`` index their parts as words, exactly as SQLite's tokenizer does. No
  extension is needed (built-in full-text search), so no superuser privilege is required.
* SQLite: an FTS5 external-content table ``accessrequests_accessrequest_fts`` (tokenizer unicode61, no
  diacritic folding) whose rowid is the request id, kept in step by AFTER INSERT/UPDATE/DELETE triggers.
  ``prefix='1 2 3'`` adds prefix indexes so that one- to three-letter searches (``p``) read one list
  instead of merging every word that starts with them (100,000 rows: 63 → 29 ms).
  FTS5 is compiled into the SQLite of every supported Python build.
* Other databases: nothing; the filter falls back to icontains there.

The column is deliberately not a model field: Django never reads or writes it, only the filter's SQL.
"""
from django.db import migrations

TABLE = "accessrequests_accessrequest"
FTS = "accessrequests_accessrequest_fts"
COLUMNS = "requester_name, reviewer_name, comment, justification"

# ASCII punctuation (!-/ :-@ [-` {-~) becomes a space; must match SEPARATORS in accessrequests/filters.py.
PG_DOCUMENT = (
    "regexp_replace(coalesce(requester_name, '') || ' ' || coalesce(reviewer_name, '') || ' ' || "
    "coalesce(comment, '') || ' ' || coalesce(justification, ''), '[!-/:-@\\[-`{-~]+', ' ', 'g')"
)
PG_FORWARD = [
    f"ALTER TABLE {TABLE} ADD COLUMN search_vector tsvector "
    f"GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, {PG_DOCUMENT})) STORED",
    f"CREATE INDEX ar_search_vector ON {TABLE} USING gin (search_vector)",
]
PG_BACKWARD = [
    "DROP INDEX IF EXISTS ar_search_vector",
    f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_vector",
]

SQLITE_FORWARD = [
    f"CREATE VIRTUAL TABLE {FTS} USING fts5({COLUMNS}, content='{TABLE}', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0', prefix='1 2 3')",
    f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}(rowid, {COLUMNS}) "
    "VALUES (new.id, new.requester_name, new.reviewer_name, new.comment, new.justification); END",
    f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) "
    "VALUES ('delete', old.id, old.requester_name, old.reviewer_name, old.comment, old.justification); END",
    f"CREATE TRIGGER {FTS}_au AFTER UPDATE OF id, {COLUMNS} ON {TABLE} BEGIN "
    f"INSERT INTO {FTS}({FTS}, rowid, {COLUMNS}) "
    "VALUES ('delete', old.id, old.requester_name, old.reviewer_name, old.comment, old.justification); "
    f"INSERT INTO {FTS}(rowid, {COLUMNS}) "
    "VALUES (new.id, new.requester_name, new.reviewer_name, new.comment, new.justification); END",
    f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')",  # rows that existed before this migration
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {FTS}_ai",
    f"DROP TRIGGER IF EXISTS {FTS}_ad",
    f"DROP TRIGGER IF EXISTS {FTS}_au",
    f"DROP TABLE IF EXISTS {FTS}",
]


def _run(statements):
    def run(apps, schema_editor):
        with schema_editor.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
    return run


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(PG_FORWARD)(apps, schema_editor)
    elif vendor == "sqlite":
        _run(SQLITE_FORWARD)(apps, schema_editor)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        _run(PG_BACKWARD)(apps, schema_editor)
    elif vendor == "sqlite":
        _run(SQLITE_BACKWARD)(apps, schema_editor)


class Migration(migrations.Migration):

    dependencies = [
        ("accessrequests", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forward, backward, elidable=False),
    ]
