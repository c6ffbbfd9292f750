"""Fails half-way through a launch's migrate run."""

from django.db import migrations


def explode(apps, schema_editor):
    raise RuntimeError("this migration is broken on purpose")


class Migration(migrations.Migration):
    dependencies = [("broken_app", "0001_initial")]

    operations = [migrations.RunPython(explode, migrations.RunPython.noop)]
