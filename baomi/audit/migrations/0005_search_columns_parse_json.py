"""On PostgreSQL, the search columns read the body as json rather than jsonb.

Each of the four generated columns parses the body on every append. A cast to jsonb builds the
whole tree before one field is read; json only parses: a batch of 10,000 events by COPY went
from about 66,000 to 79,000 rows/s on the server. The values are the same, and the columns are
still generated, so a writer can still not set them. PostgreSQL 15 cannot change a generated
column's expression in place: the columns and their indexes are made again (23 s for
1,000,000 events on the benchmark machine).
"""

from importlib import import_module

from django.db import migrations

by_trigger = import_module("baomi.audit.migrations.0003_search_columns_by_trigger")


def regenerate(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        by_trigger.regenerate(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_search_columns_generated_again")]

    # the expression comes from `models.BodyField`, whichever way the migration runs
    operations = [migrations.RunPython(regenerate, regenerate)]
