"""Succeeds and commits: without the restore, its table would stay behind."""

from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True
    dependencies: list[tuple[str, str]] = []

    operations = [
        migrations.CreateModel(
            name="Gadget",
            fields=[("id", models.BigAutoField(primary_key=True, serialize=False))],
        ),
    ]
