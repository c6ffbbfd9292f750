from typing import Any

from django.db import migrations, models


def fill_views(apps: Any, schema_editor: Any) -> None:
    """Existing snapshots get the projection new ones get at save time."""
    from djdesk_inspector import projection

    Snapshot = apps.get_model("djdesk_inspector", "Snapshot")
    for snapshot in Snapshot.objects.filter(view={}).iterator():
        snapshot.view = projection.project(snapshot.data)
        snapshot.save(update_fields=["view"])


class Migration(migrations.Migration):
    dependencies = [
        ("djdesk_inspector", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="snapshot",
            name="view",
            field=models.JSONField(
                default=dict,
                help_text="The dashboard's projection of data, so polls never decode the whole document.",
            ),
        ),
        migrations.RunPython(fill_views, migrations.RunPython.noop),
    ]
