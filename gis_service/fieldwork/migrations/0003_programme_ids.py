"""Submissions name their programme by its one id (the layer's), not the field API's older singular id."""
from django.db import migrations

# Frozen here on purpose: a migration must not change meaning when the registry later grows.
OLD_TO_NEW = {
    "groundwater_bank": "groundwater_banks",
    "local_road": "local_roads",
    "playground": "playgrounds",
    "ewaste_point": "ewaste_points",
}


def rename(apps, mapping: dict[str, str]) -> None:
    Submission = apps.get_model("fieldwork", "Submission")
    for old, new in mapping.items():
        Submission.objects.filter(programme=old).update(programme=new)


class Migration(migrations.Migration):
    dependencies = [("fieldwork", "0002_programme_not_indexed")]

    operations = [
        migrations.RunPython(
            lambda apps, schema_editor: rename(apps, OLD_TO_NEW),
            lambda apps, schema_editor: rename(apps, {new: old for old, new in OLD_TO_NEW.items()}),
        ),
    ]
