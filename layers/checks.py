"""System checks (`manage.py check`): every programme model is declared once, completely and correctly."""
from django.apps import apps
from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import migrations
from django.db.migrations.loader import MigrationLoader

from gis_service.programmes.models import ProgrammeSite
from gis_service.programmes.registry import PROGRAMMES, Programme, UnknownProgramme, programme_for_model
from layers.versions import trigger_name


def programme_site_models() -> list[type[ProgrammeSite]]:
    """Every concrete (installed, non-historical) model that is a programme site."""
    return [
        model for model in apps.get_models()
        if issubclass(model, ProgrammeSite) and not model._meta.abstract and not model.__name__.startswith("Historical")
    ]


def migration_contents() -> tuple[str, set[tuple[str, str]]]:
    """The SQL of every RunSQL operation and the (app, model) of every CreateModel in the migrations on disk."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    texts, created = [], set()
    for (app_label, _name), migration in loader.disk_migrations.items():
        for operation in migration.operations:
            if isinstance(operation, migrations.RunSQL):
                sql = operation.sql
                texts.extend(sql if isinstance(sql, (list, tuple)) else [sql])
            elif isinstance(operation, migrations.CreateModel):
                created.add((app_label, operation.name_lower))
    return "\n".join(str(text) for text in texts), created


def _missing_fields(programme: Programme) -> list[str]:
    named = (
        *programme.attribute_names, *programme.tile_fields, *programme.field_collection.inspection_attributes,
    )
    missing = []
    for name in named:
        try:
            programme.model._meta.get_field(name)
        except FieldDoesNotExist:
            missing.append(name)
    return sorted(set(missing))


@checks.register(checks.Tags.models)
def check_programme_registry(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    """Each ProgrammeSite model has one registry entry, naming only its own fields, and a data-version trigger."""
    errors: list[checks.CheckMessage] = []
    sql, created = migration_contents()
    for model in programme_site_models():
        label = model._meta.label
        try:
            programme = programme_for_model(model)
        except UnknownProgramme:
            errors.append(checks.Error(
                f"{label} is a programme site with no entry in gis_service/programmes/registry.py PROGRAMMES.",
                hint="Add one Programme(...) entry for it: every layer, form and permission is derived from it.",
                obj=model, id="programmes.E001",
            ))
            continue
        missing = _missing_fields(programme)
        if missing:
            errors.append(checks.Error(
                f"The registry entry '{programme.id}' names fields {', '.join(missing)} that {label} does not have.",
                hint="Fix the names in its public_fields, tile_fields or inspection_attributes.",
                obj=model, id="programmes.E002",
            ))
        table = model._meta.db_table
        hint = (f"Add migrations.RunSQL(version_trigger_sql('{table}'), drop_trigger_sql('{table}')) "
                "from layers.versions to its migration.")
        if (model._meta.app_label, model._meta.model_name) not in created:
            # A warning, not an error: an error would stop makemigrations from making that very migration.
            errors.append(checks.Warning(
                f"{label} has no migration yet: run makemigrations, then add its data-version trigger.",
                hint=hint, obj=model, id="programmes.W003",
            ))
        elif f"CREATE TRIGGER {trigger_name(table)}" not in sql:
            errors.append(checks.Error(
                f"{label} has no data-version trigger in any migration, so caches would serve stale tiles and pages.",
                hint=hint, obj=model, id="programmes.E003",
            ))
    ids = [programme.id for programme in PROGRAMMES]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        errors.append(checks.Error(f"Programme ids declared twice: {', '.join(duplicates)}.", id="programmes.E004"))
    return errors
