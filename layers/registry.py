"""The one registry of map layers, derived from the programme declarations and the boundary levels.

Programme layers come from `gis_service.programmes.registry.PROGRAMMES` (one entry per programme):
their properties, types, enums and titles are read off the model's fields and choices. OGC API
Features collections, queryables, GeoJSON/CSV/GeoPackage exports, vector tiles, TileJSON and map
legends are all derived from the `Layer` objects built here; nothing restates a programme.

Data-version hook: every layer has a `version_key` (its database table name). `layers/versions.py`
keys the per-layer data version (trigger + table) on it; readers ask that module for the current
version of `layer.version_key`. This module keeps no version state itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.db.models import F, QuerySet
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from gis_service.geography.models import LAO, District, Province, Subdistrict
from gis_service.i18n import english, thai
from gis_service.programmes.registry import PROGRAMMES, Programme, Style, UnknownProgramme

PropertyType = Literal["string", "integer", "number", "boolean", "date", "date-time"]


class UnknownLayer(UnknownProgramme):
    """Raised by `get_layer` for an id that no layer declares."""


@dataclass(frozen=True)
class Property:
    """A public property of a layer: its public name, where it comes from (ORM path) and its type."""

    name: str
    path: str
    type: PropertyType
    title: str | Promise = ""
    enum: tuple[str, ...] | None = None
    queryable: bool = True
    # Vector tiles carry only the light properties a map needs to style and label features.
    in_tiles: bool = False

    @property
    def title_en(self) -> str:
        """The title in English."""
        return english(self.title) if self.title else ""

    @property
    def title_th(self) -> str:
        """The title in Thai (from the gettext catalogue)."""
        return thai(self.title) if self.title else ""

    def json_schema(self) -> dict:
        """The JSON Schema of this property (for queryables and the OpenAPI document)."""
        schema: dict = {"title": self.title_en or self.name}
        if self.type in ("date", "date-time"):
            schema.update(type="string", format=self.type)
        else:
            schema["type"] = self.type
        if self.enum:
            schema["enum"] = list(self.enum)
        if self.title_th:
            schema["description"] = self.title_th
        return schema


@dataclass(frozen=True)
class Layer:
    """A layer's declaration: everything the feature, tile, legend and export code derives from."""

    id: str
    model: type[models.Model]
    geometry_field: str
    geometry_type: str
    properties: tuple[Property, ...]
    title: str | Promise
    description: str | Promise
    style: Style
    has_published: bool
    writable: bool
    id_field: str = "code"
    default_limit: int = 100
    max_limit: int = 10_000
    minzoom: int = 0
    maxzoom: int = 16
    # The field holding the programme year; `datetime=` filters on the whole year it names.
    year_field: str | None = None
    # The field holding the last update (a timestamp), also usable in `datetime=`-like filters.
    updated_field: str | None = None
    keywords: tuple[str, ...] = field(default_factory=tuple)
    # The programme declaration a programme layer is derived from (None for boundary layers).
    programme: Programme | None = None

    @property
    def title_en(self) -> str:
        """The title in English."""
        return english(self.title)

    @property
    def title_th(self) -> str:
        """The title in Thai (from the gettext catalogue)."""
        return thai(self.title)

    @property
    def description_en(self) -> str:
        """The description in English."""
        return english(self.description)

    @property
    def description_th(self) -> str:
        """The description in Thai (from the gettext catalogue)."""
        return thai(self.description)

    @property
    def table(self) -> str:
        """The database table of the layer."""
        return self.model._meta.db_table

    @property
    def version_key(self) -> str:
        """The key of this layer's data version (see layers/versions.py, kept by the tiles engineer)."""
        return self.table

    @property
    def srid(self) -> int:
        """Storage SRID of the geometry column."""
        return self.model._meta.get_field(self.geometry_field).srid

    def get_property(self, name: str) -> Property:
        """The public property called `name`; KeyError when there is none."""
        for prop in self.properties:
            if prop.name == name:
                return prop
        raise KeyError(name)

    @property
    def property_names(self) -> list[str]:
        """Public property names in declaration order."""
        return [prop.name for prop in self.properties]

    @property
    def queryables(self) -> list[Property]:
        """Properties clients may filter and sort on."""
        return [prop for prop in self.properties if prop.queryable]

    @property
    def tile_properties(self) -> list[Property]:
        """Properties carried in vector tiles."""
        return [prop for prop in self.properties if prop.in_tiles]

    def all_rows(self) -> QuerySet:
        """Every row the layer draws, unpublished ones included: those with a geometry (an LAO may have none)."""
        queryset = self.model.objects.all()
        if self.model._meta.get_field(self.geometry_field).null:
            queryset = queryset.filter(**{f"{self.geometry_field}__isnull": False})
        return queryset

    def visible_queryset(self, user: User | AnonymousUser | None = None) -> QuerySet:
        """Rows this user may see: the public sees only published programme sites."""
        from gis_service.accounts.permissions import can_see_unpublished

        queryset = self.all_rows()
        if self.has_published and not (user is not None and can_see_unpublished(user)):
            queryset = queryset.filter(published=True)
        return queryset

    def public_values(self, queryset: QuerySet, names: list[str] | None = None) -> QuerySet:
        """`queryset.values()` of the id and the chosen public properties, aliased `fid`, `p0`, `p1`...

        Aliases avoid clashes between public names and model fields (e.g. `subdistrict` is a code
        here but a foreign key on the model); callers map `p<i>` back with `names`.
        """
        chosen = self.property_names if names is None else names
        aliases = {"fid": F(self.id_field)}
        aliases.update({f"p{i}": F(self.get_property(name).path) for i, name in enumerate(chosen)})
        return queryset.values(**aliases)


# The ORM field types a property's JSON type is read off.
_PROPERTY_TYPES: dict[type[models.Field], PropertyType] = {
    models.BooleanField: "boolean",
    models.DateTimeField: "date-time",
    models.DateField: "date",
    models.IntegerField: "integer",
    models.FloatField: "number",
    models.DecimalField: "number",
}


def property_type(model_field: models.Field) -> PropertyType:
    """The JSON type of a model field (DateTimeField before DateField: it is a subclass)."""
    for field_class, json_type in _PROPERTY_TYPES.items():
        if isinstance(model_field, field_class):
            return json_type
    return "string"


def field_property(model: type[models.Model], name: str, in_tiles: bool = False, path: str | None = None) -> Property:
    """A public property read off a model field: type, enum (its choices) and title (its verbose name)."""
    model_field = model._meta.get_field(name)
    enum = None
    if model_field.choices:
        enum = tuple(value for value, _label in model_field.choices)
        if model_field.blank and "" not in enum:
            enum = ("",) + enum
    return Property(name, path or name, property_type(model_field), capfirst(model_field.verbose_name),
                    enum=enum, in_tiles=in_tiles)


def _site_properties(model: type[models.Model]) -> tuple[Property, ...]:
    """Properties every programme site shares, placed by the joins of its subdistrict."""
    return (
        field_property(model, "name_th", in_tiles=True),
        field_property(model, "name_en", in_tiles=True),
        field_property(model, "status", in_tiles=True),
        field_property(model, "programme_year", in_tiles=True),
        field_property(model, "budget_thb"),
        Property("lao", "lao__code", "string", _("Responsible LAO code")),
        Property("lao_name_th", "lao__full_name_th", "string", _("Responsible LAO (Thai)"), queryable=False),
        Property("province", "subdistrict__province__code", "string", _("Province code"), in_tiles=True),
        Property("district", "subdistrict__district__code", "string", _("District code")),
        Property("subdistrict", "subdistrict__code", "string", _("Subdistrict code")),
        field_property(model, "updated_at"),
    )


def programme_layer(programme: Programme) -> Layer:
    """The map layer of a programme, derived from its declaration and its model's fields."""
    own = tuple(
        field_property(programme.model, name, in_tiles=name in programme.tile_fields)
        for name in programme.attribute_names
    )
    return Layer(
        id=programme.id, model=programme.model, geometry_field=programme.geometry_field,
        geometry_type=programme.geometry_type, properties=_site_properties(programme.model) + own,
        title=programme.title, description=programme.description, style=programme.style,
        has_published=True, writable=True, year_field="programme_year", updated_field="updated_at",
        minzoom=programme.minzoom, maxzoom=programme.maxzoom, keywords=programme.keywords, programme=programme,
    )


def _boundary_properties(level: str) -> tuple[Property, ...]:
    base = (
        Property("name_th", "name_th", "string", _("Name (Thai)"), in_tiles=True),
        Property("name_en", "name_en", "string", _("Name (English)"), in_tiles=True),
    )
    province = Property("province", "province__code", "string", _("Province code"), in_tiles=True)
    district = Property("district", "district__code", "string", _("District code"), in_tiles=True)
    parents = {"province": (), "district": (province,), "subdistrict": (province, district)}
    return base + parents[level]


BOUNDARY_LAYERS: tuple[Layer, ...] = (
    # Boundaries are read-only reference layers; polygons are heavy, so their pages are smaller.
    Layer(
        id="provinces", model=Province, geometry_field="geom", geometry_type="MultiPolygon",
        properties=_boundary_properties("province"), title=_("Provinces"),
        description=_("The 77 provinces of Thailand (Bangkok among them)."),
        style=Style(colour="#444444", symbol="boundary", line_width_px=2.0), has_published=False, writable=False,
        default_limit=10, max_limit=100, minzoom=0, maxzoom=10, keywords=("boundary", "province", "จังหวัด"),
    ),
    Layer(
        id="districts", model=District, geometry_field="geom", geometry_type="MultiPolygon",
        properties=_boundary_properties("district"), title=_("Districts"),
        description=_("Districts (amphoe and Bangkok khet)."),
        style=Style(colour="#777777", symbol="boundary", line_width_px=1.2), has_published=False, writable=False,
        default_limit=10, max_limit=1000, minzoom=6, maxzoom=12, keywords=("boundary", "district", "อำเภอ"),
    ),
    Layer(
        id="subdistricts", model=Subdistrict, geometry_field="geom", geometry_type="MultiPolygon",
        properties=_boundary_properties("subdistrict"), title=_("Subdistricts"),
        description=_("Subdistricts (tambon and Bangkok khwaeng), where every site is placed."),
        style=Style(colour="#aaaaaa", symbol="boundary", line_width_px=0.8), has_published=False, writable=False,
        default_limit=10, max_limit=1000, minzoom=8, maxzoom=14, keywords=("boundary", "subdistrict", "ตำบล"),
    ),
)

# The DLA register's LAOs at their offices (where the register gives a point): a read-only reference layer.
LAO_OFFICES = Layer(
    id="lao_offices", model=LAO, geometry_field="office_location", geometry_type="Point",
    properties=(
        field_property(LAO, "full_name_th", in_tiles=True),
        field_property(LAO, "name_th"),
        field_property(LAO, "name_en", in_tiles=True),
        field_property(LAO, "kind", in_tiles=True),
        Property("province", "province__code", "string", _("Province code"), in_tiles=True),
        Property("district", "district__code", "string", _("District code")),
        field_property(LAO, "office_house_no"),
        field_property(LAO, "office_moo"),
        field_property(LAO, "office_postcode"),
        field_property(LAO, "website"),
        field_property(LAO, "active", in_tiles=True),
    ),
    title=_("LAO offices"),
    description=_("Offices of the local administrative organisations in the DLA's register, where it gives a "
                  "point: their type, name and DLA code."),
    style=Style(colour="#8c510a", symbol="town-hall"), has_published=False, writable=False,
    default_limit=100, max_limit=10_000, minzoom=0, maxzoom=16, keywords=("LAO", "อปท.", "DLA", "office"),
)

LAYERS: tuple[Layer, ...] = (tuple(programme_layer(programme) for programme in PROGRAMMES) + BOUNDARY_LAYERS
                             + (LAO_OFFICES,))

_BY_ID = {layer.id: layer for layer in LAYERS}


def get_layer(layer_id: str) -> Layer:
    """The layer declared with this id; UnknownLayer when there is none."""
    try:
        return _BY_ID[layer_id]
    except KeyError:
        raise UnknownLayer(f"Unknown collection '{layer_id}': choose one of {', '.join(_BY_ID)}.") from None


def list_layers(programmes_only: bool = False) -> list[Layer]:
    """All layers in declaration order (programme layers first), or only the programme layers."""
    return [layer for layer in LAYERS if layer.has_published or not programmes_only]


def layer_for_model(model: type[models.Model]) -> Layer:
    """The layer declared for a model (e.g. to move its data version after a write)."""
    for layer in LAYERS:
        if layer.model is model:
            return layer
    raise UnknownLayer(f"No layer is declared for {model.__name__}.")
