"""Which programme layers coverage can analyse, and their current data versions."""
from dataclasses import dataclass

from django.db import DatabaseError, connection, transaction
from django.db.models import Max

from gis_service.coverage.errors import InvalidInput
from gis_service.i18n import english, thai
from gis_service.programmes.models import ProgrammeSite, Status
from gis_service.programmes.registry import PROGRAMMES

DEFAULT_LAYER = "groundwater_banks"


@dataclass(frozen=True)
class SiteLayer:
    """A point programme layer coverage analyses: its id, titles, table and default service radius."""

    id: str
    model: type[ProgrammeSite]
    title_en: str
    title_th: str
    default_radius_m: float

    @property
    def table(self) -> str:
        """The layer's database table (trusted: it comes from a model, never from a request)."""
        return self.model._meta.db_table


def site_layers() -> dict[str, SiteLayer]:
    """Point programmes that declare a coverage radius, by id, from the programme registry."""
    return {
        programme.id: SiteLayer(programme.id, programme.model, english(programme.title), thai(programme.title),
                                programme.coverage_radius_m)
        for programme in PROGRAMMES
        if programme.coverage_radius_m is not None and not programme.is_line
    }


def get_site_layer(layer_id: str) -> SiteLayer:
    """The point programme layer with this id; InvalidInput naming the choices otherwise."""
    layers = site_layers()
    if layer_id not in layers:
        raise InvalidInput(
            f"Unknown layer '{layer_id}': coverage works on {', '.join(sorted(layers))}.", field="layer"
        )
    return layers[layer_id]


def current_layer_version(layer_id: str) -> str:
    """The layer's data version: layers.versions (trigger-kept) when installed, else a cheap fingerprint.

    The fingerprint (row count, greatest id, latest update) misses only writes that bypass
    `updated_at` (queryset.update without it); the trigger-kept version has no such gap.
    """
    layer = get_site_layer(layer_id)
    try:
        from layers.versions import table_versions
    except ImportError:
        table_versions = None
    if table_versions is not None:
        try:
            with transaction.atomic():
                version = table_versions([layer.table])[layer.table]
            if version:
                return f"v{version}"
        except DatabaseError:
            pass  # the versions table is not migrated in this database yet
    stats = layer.model.objects.aggregate(latest=Max("updated_at"), top=Max("id"))
    count = layer.model.objects.count()
    latest = stats["latest"].isoformat() if stats["latest"] else "-"
    return f"f{count}.{stats['top']}.{latest}"


def boundaries_fingerprint() -> str:
    """A fingerprint of the subdistrict boundaries the metric units are derived from."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), coalesce(max(id), 0), coalesce(max(code), '') FROM geography_subdistrict")
        count, top, code = cursor.fetchone()
    return f"{count}.{top}.{code}"


SERVING_STATUSES_DEFAULT = (Status.OPERATIONAL.value,)
ALL_STATUSES = tuple(Status.values)
