"""Make the audit tables append-only in the database itself, and write the chain's genesis head."""

from django.conf import settings
from django.db import migrations

PROTECTED = ["audit_auditevent", "audit_checkpoint"]

SQLITE = """
CREATE TRIGGER {t}_no_update BEFORE UPDATE ON {t}
BEGIN SELECT RAISE(ABORT, '{t} is append-only: UPDATE refused'); END;
CREATE TRIGGER {t}_no_delete BEFORE DELETE ON {t}
BEGIN SELECT RAISE(ABORT, '{t} is append-only: DELETE refused'); END;
"""

POSTGRES_FUNCTION = """
CREATE OR REPLACE FUNCTION baomi_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION USING ERRCODE = 'insufficient_privilege',
    MESSAGE = TG_TABLE_NAME || ' is append-only: ' || TG_OP || ' refused';
END $$;
"""

POSTGRES = """
CREATE TRIGGER {t}_no_change BEFORE UPDATE OR DELETE ON {t}
  FOR EACH ROW EXECUTE FUNCTION baomi_append_only();
CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t}
  FOR EACH STATEMENT EXECUTE FUNCTION baomi_append_only();
"""


def statements(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [s.strip() + " END;" for t in PROTECTED
                for s in SQLITE.format(t=t).split(" END;") if s.strip()]
    if vendor == "postgresql":
        return [POSTGRES_FUNCTION] + [POSTGRES.format(t=t) for t in PROTECTED]
    raise NotImplementedError(f"append-only triggers are not written for {vendor}")


def drop_statements(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {t}_no_{op}" for t in PROTECTED for op in ("update", "delete")]
    return [f"DROP TRIGGER IF EXISTS {t}_no_{op} ON {t}" for t in PROTECTED
            for op in ("change", "truncate")]


def protect(apps, schema_editor):
    for sql in statements(schema_editor.connection.vendor):
        schema_editor.execute(sql)


def unprotect(apps, schema_editor):
    for sql in drop_statements(schema_editor.connection.vendor):
        schema_editor.execute(sql)


def genesis(apps, schema_editor):
    from baomi.audit.chain import GENESIS, hasher

    alg = settings.AUDIT_HASH
    hasher(alg)  # refuse an algorithm this build cannot compute before the chain starts
    apps.get_model("audit", "AuditHead").objects.create(id=1, seq=0, hash=GENESIS, alg=alg)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [
        migrations.RunPython(protect, unprotect),
        migrations.RunPython(genesis, migrations.RunPython.noop),
    ]
