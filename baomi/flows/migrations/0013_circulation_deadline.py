"""Each circulation keeps the deadline of the whole circulation (DOC.CIRC.DEADLINE)."""

import datetime as dt

from django.db import migrations, models
from django.db.models import Max


def backfill(apps, schema_editor):
    # a circulation opened before the deadline was kept: the latest return time one of its
    # readers was given, or five days (the normal deadline) from its start
    Circulation = apps.get_model("flows", "Circulation")
    for circulation in Circulation.objects.annotate(latest=Max("steps__due_at")).iterator():
        circulation.deadline = circulation.latest or circulation.started_at + dt.timedelta(days=5)
        circulation.save(update_fields=["deadline"])


class Migration(migrations.Migration):
    dependencies = [
        ("flows", "0011_loss_deemed_leak"),
    ]

    operations = [
        migrations.AddField(
            model_name="circulation",
            name="deadline",
            field=models.DateTimeField(null=True, verbose_name="circulation deadline"),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="circulation",
            name="deadline",
            field=models.DateTimeField(verbose_name="circulation deadline"),
        ),
    ]
