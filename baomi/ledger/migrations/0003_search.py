"""Substring search over the register that stays fast at scale: an FTS5 trigram index on
SQLite, pg_trgm GIN indexes on PostgreSQL. Chinese has no word breaks; trigrams match any
substring of three or more characters."""

from django.db import migrations

FIELDS = ["title", "doc_number", "issuer", "code_name"]

SQLITE = [
    "CREATE VIRTUAL TABLE ledger_document_fts USING fts5("
    + ", ".join(FIELDS)
    + ", content='ledger_document', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER ledger_document_fts_ai AFTER INSERT ON ledger_document BEGIN "
    "INSERT INTO ledger_document_fts(rowid, " + ", ".join(FIELDS) + ") VALUES (new.id, "
    + ", ".join(f"new.{f}" for f in FIELDS) + "); END",
    "CREATE TRIGGER ledger_document_fts_ad AFTER DELETE ON ledger_document BEGIN "
    "INSERT INTO ledger_document_fts(ledger_document_fts, rowid, " + ", ".join(FIELDS)
    + ") VALUES ('delete', old.id, " + ", ".join(f"old.{f}" for f in FIELDS) + "); END",
    "CREATE TRIGGER ledger_document_fts_au AFTER UPDATE ON ledger_document BEGIN "
    "INSERT INTO ledger_document_fts(ledger_document_fts, rowid, " + ", ".join(FIELDS)
    + ") VALUES ('delete', old.id, " + ", ".join(f"old.{f}" for f in FIELDS) + "); "
    "INSERT INTO ledger_document_fts(rowid, " + ", ".join(FIELDS) + ") VALUES (new.id, "
    + ", ".join(f"new.{f}" for f in FIELDS) + "); END",
    "INSERT INTO ledger_document_fts(ledger_document_fts) VALUES ('rebuild')",
]

POSTGRES = ["CREATE EXTENSION IF NOT EXISTS pg_trgm"] + [
    f"CREATE INDEX IF NOT EXISTS ledger_document_{f}_trgm ON ledger_document "
    f"USING gin ({f} gin_trgm_ops)"
    for f in FIELDS
]


def recreate_sqlite_triggers(apps, schema_editor):
    """SQLite alters a table by copying it into a new one, which drops its triggers: every
    later migration that alters ledger_document on SQLite runs this afterwards."""
    if schema_editor.connection.vendor != "sqlite":
        return
    for name in ("ai", "ad", "au"):
        schema_editor.execute(f"DROP TRIGGER IF EXISTS ledger_document_fts_{name}")
    for sql in SQLITE[1:]:
        schema_editor.execute(sql)


def create(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for sql in SQLITE if vendor == "sqlite" else POSTGRES:
        schema_editor.execute(sql)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for name in ("ai", "ad", "au"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS ledger_document_fts_{name}")
        schema_editor.execute("DROP TABLE IF EXISTS ledger_document_fts")
    else:
        for f in FIELDS:
            schema_editor.execute(f"DROP INDEX IF EXISTS ledger_document_{f}_trgm")


class Migration(migrations.Migration):
    dependencies = [("ledger", "0002_default_catalog")]

    operations = [migrations.RunPython(create, drop)]
