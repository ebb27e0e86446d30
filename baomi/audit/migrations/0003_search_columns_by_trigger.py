"""On PostgreSQL, fill the event's search columns with one trigger that parses the body once.

Four generated columns each cast the body to jsonb, so every append parsed its JSON four times:
a batch of events spent most of its time there (COPY of 10,000 events: 55,000 rows/s with the
generated columns, 79,000 with this trigger). The guarantee is the same: the database derives
the columns from the body on every insert and update, whatever a writer supplies. SQLite keeps
its generated columns (its triggers cannot set the new row's values).
"""

from django.db import migrations

COLUMNS = ("action", "actor_id", "object_type", "object_id")

FUNCTION = """
CREATE OR REPLACE FUNCTION baomi_audit_columns() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  event jsonb := NEW.body::jsonb;
BEGIN
  NEW.action := event ->> 'action';
  NEW.actor_id := event -> 'actor' ->> 'id';
  NEW.object_type := event -> 'object' ->> 'type';
  NEW.object_id := event -> 'object' ->> 'id';
  RETURN NEW;
END $$;
CREATE TRIGGER audit_auditevent_columns BEFORE INSERT OR UPDATE ON audit_auditevent
  FOR EACH ROW EXECUTE FUNCTION baomi_audit_columns();
"""


def by_trigger(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for column in COLUMNS:
        schema_editor.execute(f"ALTER TABLE audit_auditevent ALTER COLUMN {column} DROP EXPRESSION")
    schema_editor.execute(FUNCTION)


def generated_again(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP TRIGGER audit_auditevent_columns ON audit_auditevent")
    schema_editor.execute("DROP FUNCTION baomi_audit_columns()")
    regenerate(apps, schema_editor)


def regenerate(apps, schema_editor):
    """Make the search columns and their indexes again from the model's generated fields."""
    model = apps.get_model("audit", "AuditEvent")
    for column in COLUMNS:
        field = model._meta.get_field(column)
        schema_editor.remove_field(model, field)
        schema_editor.add_field(model, field)
    for index in model._meta.indexes:
        schema_editor.add_index(model, index)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only")]

    operations = [migrations.RunPython(by_trigger, generated_again)]
