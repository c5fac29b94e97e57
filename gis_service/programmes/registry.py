"""The one declaration of each programme: its model plus one `Programme(...)` entry below.

Everything else is derived from these entries and the models' own fields: the map layer (OGC
collection, tiles, TileJSON, style, legend, exports: layers/registry.py), property types, enums
and titles (from the model's fields and choices), field collection (fieldwork/programmes.py),
coverage defaults, role permissions (accounts/roles.py), admin registration (programmes/admin.py)
and the national dataset (programmes/dataset.py). A system check (layers/checks.py) proves that
every `ProgrammeSite` model has an entry, a data-version trigger, and only fields that exist.

Adding a programme = its model, its migration (with `version_trigger_sql` for the trigger) and
one entry here.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.functional import Promise
from django.utils.text import capfirst, get_text_list
from django.utils.translation import gettext_lazy as _

from gis_service.i18n import english
from gis_service.programmes.models import (
    PLAYGROUND_STATIONS,
    EwastePoint,
    GroundwaterBank,
    LocalRoad,
    Playground,
    ProgrammeSite,
    ReadingPlace,
)

# GeoDjango's geometry field types (upper case) by their OGC spelling.
OGC_GEOMETRY_TYPES = {
    name.upper(): name
    for name in ("Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon")
}


class UnknownProgramme(LookupError):
    """Raised by `get_programme` for an id (or alias) that no programme declares."""


@dataclass(frozen=True)
class Style:
    """How a layer is drawn: one colour, and a Maki-like symbol name for points."""

    colour: str
    symbol: str
    outline_colour: str = "#ffffff"
    line_width_px: float = 1.5
    fill_opacity: float = 0.0


@dataclass(frozen=True)
class FieldCollection:
    """How field teams collect a programme's sites by GPS."""

    # Accuracy of the fix: above refuse_above_m the submission is refused, above flag_above_m it is flagged.
    refuse_above_m: float = 100.0
    flag_above_m: float = 30.0
    duplicate_radius_m: float = 25.0
    # For lines: the share of a new line within duplicate_radius_m of an existing one that makes it a candidate.
    duplicate_overlap_share: float = 0.5
    # What an inspection may change on an existing site.
    inspection_attributes: tuple[str, ...] = ("status",)


@dataclass(frozen=True)
class Programme:
    """A programme's declaration; titles come from the model's verbose names (translated by gettext)."""

    id: str
    model: type[ProgrammeSite]
    description: Promise
    style: Style
    # The DLA's published figure (DOMAIN.md): what tracking measures against and the generator makes.
    published_figure: int
    # Public attributes beyond those every site shares, in order; None means every attribute the
    # model adds to ProgrammeSite.
    public_fields: tuple[str, ...] | None = None
    # Of the public attributes, those light enough for vector tiles (styling and labels).
    tile_fields: tuple[str, ...] = ()
    field_collection: FieldCollection = field(default_factory=FieldCollection)
    # Coverage analyses point programmes around this radius by default; None leaves a programme out.
    coverage_radius_m: float | None = 1_000.0
    # Ids clients may have stored from before the ids were unified (accepted, deprecated).
    aliases: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    minzoom: int = 5
    maxzoom: int = 16

    @property
    def title(self) -> str:
        """The programme's plural title (e.g. the layer's), from the model's verbose_name_plural."""
        return capfirst(self.model._meta.verbose_name_plural)

    @property
    def label(self) -> str:
        """The singular title of one site, from the model's verbose_name."""
        return capfirst(self.model._meta.verbose_name)

    @property
    def geometry_field(self) -> str:
        """The site's geometry column (every programme calls it `geom`)."""
        return "geom"

    @property
    def geometry_type(self) -> str:
        """The OGC geometry type name of the stored geometry (Point, MultiLineString, ...)."""
        return OGC_GEOMETRY_TYPES[self.model._meta.get_field(self.geometry_field).geom_type]

    @property
    def is_line(self) -> bool:
        """Lines (roads) are registered as a walked or driven track, not a point."""
        return "Line" in self.geometry_type

    @property
    def attribute_names(self) -> tuple[str, ...]:
        """The public attributes this programme adds to the shared ones."""
        if self.public_fields is not None:
            return self.public_fields
        return tuple(f.name for f in own_fields(self.model))


# Fields every site shares, declared on ProgrammeSite itself.
SHARED_FIELDS = frozenset(f.name for f in ProgrammeSite._meta.get_fields())


def own_fields(model: type[ProgrammeSite]) -> list[models.Field]:
    """Concrete fields a programme model adds to the shared site fields, geometry excluded."""
    return [
        f for f in model._meta.concrete_fields
        if f.name not in SHARED_FIELDS and f.name != "geom" and not f.primary_key
    ]


def field_title(model: type[models.Model], name: str) -> str:
    """The title of a model field (lazy: rendered in the active language), from its verbose name."""
    return capfirst(model._meta.get_field(name).verbose_name)


PROGRAMMES: tuple[Programme, ...] = (
    Programme(
        id="groundwater_banks",
        model=GroundwaterBank,
        description=_("Groundwater recharge wells and ponds built by local administrative organisations."),
        style=Style(colour="#1f78b4", symbol="water"),
        published_figure=10_801,
        public_fields=(
            "system_type",
            "purpose",
            "depth_m",
            "width_m",
            "volume_m3",
            "construction_date",
            "last_inspection_date",
            "condition",
        ),
        tile_fields=("system_type", "purpose"),
        field_collection=FieldCollection(inspection_attributes=("status", "condition")),
        aliases=("groundwater_bank",),
        keywords=("groundwater", "water", "ธนาคารน้ำใต้ดิน"),
    ),
    Programme(
        id="local_roads",
        model=LocalRoad,
        description=_("One LAO, one environment-friendly local road: roads lined with planted trees."),
        style=Style(colour="#33a02c", symbol="road", line_width_px=2.5),
        published_figure=7_070,
        public_fields=("length_m", "surface", "width_m", "trees_planted"),
        tile_fields=("length_m", "surface"),
        field_collection=FieldCollection(inspection_attributes=("status", "surface", "trees_planted")),
        coverage_radius_m=None,
        aliases=("local_road",),
        keywords=("road", "ถนน"),
    ),
    Programme(
        id="playgrounds",
        model=Playground,
        description=_("Playgrounds with five play stations, one per area of early-childhood development."),
        style=Style(colour="#ff7f00", symbol="playground"),
        published_figure=2_419,
        public_fields=("child_development_centre", "partner") + tuple(f"has_{key}" for key in PLAYGROUND_STATIONS),
        field_collection=FieldCollection(
            inspection_attributes=("status",) + tuple(f"{key}_condition" for key in PLAYGROUND_STATIONS),
        ),
        aliases=("playground",),
        keywords=("playground", "สนามเด็กเล่น"),
    ),
    Programme(
        id="ewaste_points",
        model=EwastePoint,
        description=_("Collection points for old phones and batteries; proceeds buy books for child centres."),
        style=Style(colour="#6a3d9a", symbol="recycling"),
        published_figure=1_000,
        public_fields=("host_type", "active_from", "active_to"),
        tile_fields=("host_type",),
        field_collection=FieldCollection(inspection_attributes=("status", "active_to")),
        aliases=("ewaste_point",),
        keywords=("e-waste", "recycling", "ขยะอิเล็กทรอนิกส์"),
    ),
    Programme(
        id="reading_places",
        model=ReadingPlace,
        description=_(
            "Local reading places run by LAOs in offices, temples, schools and communities (Good Education)."
        ),
        style=Style(colour="#e31a1c", symbol="library"),
        published_figure=9_102,
        tile_fields=("host",),
        field_collection=FieldCollection(inspection_attributes=("status", "books_held", "open_days_per_week")),
        keywords=("reading", "library", "ที่อ่านหนังสือ"),
    ),
)

_BY_ID = {programme.id: programme for programme in PROGRAMMES}
_BY_ALIAS = {alias: programme for programme in PROGRAMMES for alias in programme.aliases}


def get_programme(programme_id: str) -> Programme:
    """The programme with this id (or a deprecated alias of it); UnknownProgramme otherwise."""
    programme = _BY_ID.get(programme_id) or _BY_ALIAS.get(programme_id)
    if programme is None:
        raise UnknownProgramme(f"Unknown programme '{programme_id}': choose one of {', '.join(_BY_ID)}.")
    return programme


def programme_for_model(model: type[models.Model]) -> Programme:
    """The programme declared for a site model; UnknownProgramme when there is none."""
    for programme in PROGRAMMES:
        if programme.model is model:
            return programme
    raise UnknownProgramme(f"No programme is declared for {model.__name__}.")


def programme_models() -> list[type[ProgrammeSite]]:
    """The site model of every programme, in declaration order."""
    return [programme.model for programme in PROGRAMMES]


def programmes_in_words_en() -> str:
    """Every programme's plural name in one English phrase, for descriptions ("groundwater banks, ... and ...")."""
    return get_text_list([english(programme.model._meta.verbose_name_plural) for programme in PROGRAMMES], "and")


def dependent_models(programme: Programme) -> list[type[models.Model]]:
    """Models of the programmes app hanging off a programme's sites (e.g. the e-waste collection log)."""
    related = []
    for relation in programme.model._meta.related_objects:
        model = relation.related_model
        if model._meta.app_label == programme.model._meta.app_label and not model.__name__.startswith("Historical"):
            related.append(model)
    return related
