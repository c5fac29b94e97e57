"""Data versions for the boundary tables too: they are layers, and programme tiles carry their codes."""
from django.db import migrations

from layers.versions import drop_trigger_sql, version_trigger_sql

GEOGRAPHY_TABLES = [
    "geography_province",
    "geography_district",
    "geography_subdistrict",
    "geography_lao",
]


class Migration(migrations.Migration):
    dependencies = [("layers", "0001_tiles_layer_versions"), ("geography", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "".join(version_trigger_sql(table) for table in GEOGRAPHY_TABLES),
            "".join(drop_trigger_sql(table) for table in GEOGRAPHY_TABLES),
        ),
    ]
