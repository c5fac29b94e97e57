"""Layer data versions: a table, a sequence and statement-level triggers on the programme tables."""
from django.db import migrations

from layers.versions import CREATE_SQL, DROP_SQL, drop_trigger_sql, version_trigger_sql

PROGRAMME_TABLES = [
    "programmes_groundwaterbank",
    "programmes_localroad",
    "programmes_playground",
    "programmes_ewastepoint",
]


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_initial")]

    operations = [
        migrations.RunSQL(CREATE_SQL, DROP_SQL),
        migrations.RunSQL(
            "".join(version_trigger_sql(table) for table in PROGRAMME_TABLES),
            "".join(drop_trigger_sql(table) for table in PROGRAMME_TABLES),
        ),
    ]
