from django.db import migrations


def create_state(apps, schema_editor):
    apps.get_model("policy", "PolicyState").objects.create(id=1, generation=0)


class Migration(migrations.Migration):
    dependencies = [("policy", "0001_initial")]

    operations = [migrations.RunPython(create_state, migrations.RunPython.noop)]
