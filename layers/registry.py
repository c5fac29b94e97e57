"""The one registry of map layers: each programme and boundary level declares itself here once.

OGC API Features collections, queryables, GeoJSON/CSV/GeoPackage exports, vector tiles, TileJSON
and map legends are all derived from these declarations; adding a programme means adding one
`Layer(...)` to `LAYERS` below and nothing else.

Data-version hook: every layer has a `version_key` (its database table name). The tiles engineer's
`layers/versions.py` keys the per-layer data version (trigger + table) on it; readers ask that
module for the current version of `layer.version_key`. This module keeps no version state itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from django.contrib.auth.models import AnonymousUser, User
from django.db import models
from django.db.models import F, QuerySet

from gis_service.geography.models import District, Province, Subdistrict
from gis_service.programmes.models import Condition, EwastePoint, GroundwaterBank, LocalRoad, Playground

PropertyType = Literal["string", "integer", "number", "boolean", "date", "date-time"]


class UnknownLayer(LookupError):
    """Raised by `get_layer` for an id that no layer declares."""


@dataclass(frozen=True)
class Property:
    """A public property of a layer: its public name, where it comes from (ORM path) and its type."""

    name: str
    path: str
    type: PropertyType
    title_en: str = ""
    title_th: str = ""
    enum: tuple[str, ...] | None = None
    queryable: bool = True
    # Vector tiles carry only the light properties a map needs to style and label features.
    in_tiles: bool = False

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
class Style:
    """How a layer is drawn: one colour, and a Maki-like symbol name for points."""

    colour: str
    symbol: str
    outline_colour: str = "#ffffff"
    line_width_px: float = 1.5
    fill_opacity: float = 0.0


@dataclass(frozen=True)
class Layer:
    """A layer's declaration: everything the feature, tile, legend and export code derives from."""

    id: str
    model: type[models.Model]
    geometry_field: str
    geometry_type: str
    properties: tuple[Property, ...]
    title_en: str
    title_th: str
    description_en: str
    description_th: str
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

    def visible_queryset(self, user: User | AnonymousUser | None = None) -> QuerySet:
        """Rows this user may see: the public sees only published programme sites."""
        from gis_service.accounts.permissions import can_see_unpublished

        queryset = self.model.objects.all()
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


def _choices(choices: type[models.TextChoices]) -> tuple[str, ...]:
    return tuple(choices.values)


def _site_properties(model: type[models.Model]) -> tuple[Property, ...]:
    """Properties every programme site shares, placed by the joins of its subdistrict."""
    status = model._meta.get_field("status")
    return (
        Property("name_th", "name_th", "string", "Name (Thai)", "ชื่อ", in_tiles=True),
        Property("name_en", "name_en", "string", "Name (English)", "ชื่อภาษาอังกฤษ", in_tiles=True),
        Property("status", "status", "string", "Status", "สถานะ",
                 enum=tuple(value for value, _ in status.choices), in_tiles=True),
        Property("programme_year", "programme_year", "integer", "Programme year (CE)", "ปีงบประมาณ (ค.ศ.)",
                 in_tiles=True),
        Property("budget_thb", "budget_thb", "number", "Budget (THB)", "งบประมาณ (บาท)"),
        Property("lao", "lao__code", "string", "Responsible LAO code", "รหัส อปท. ผู้รับผิดชอบ"),
        Property("lao_name_th", "lao__name_th", "string", "Responsible LAO (Thai)", "ชื่อ อปท.", queryable=False),
        Property("province", "subdistrict__province__code", "string", "Province code", "รหัสจังหวัด",
                 in_tiles=True),
        Property("district", "subdistrict__district__code", "string", "District code", "รหัสอำเภอ"),
        Property("subdistrict", "subdistrict__code", "string", "Subdistrict code", "รหัสตำบล"),
        Property("updated_at", "updated_at", "date-time", "Last update", "ปรับปรุงล่าสุด"),
    )


def _boundary_properties(level: str) -> tuple[Property, ...]:
    base = (
        Property("name_th", "name_th", "string", "Name (Thai)", "ชื่อ", in_tiles=True),
        Property("name_en", "name_en", "string", "Name (English)", "ชื่อภาษาอังกฤษ", in_tiles=True),
    )
    parents = {
        "province": (),
        "district": (Property("province", "province__code", "string", "Province code", "รหัสจังหวัด", in_tiles=True),),
        "subdistrict": (
            Property("province", "province__code", "string", "Province code", "รหัสจังหวัด", in_tiles=True),
            Property("district", "district__code", "string", "District code", "รหัสอำเภอ", in_tiles=True),
        ),
    }
    return base + parents[level]


PROGRAMME_DEFAULTS = dict(has_published=True, writable=True, year_field="programme_year", updated_field="updated_at")

LAYERS: tuple[Layer, ...] = (
    Layer(
        id="groundwater_banks", model=GroundwaterBank, geometry_field="geom", geometry_type="Point",
        properties=_site_properties(GroundwaterBank) + (
            Property("system_type", "system_type", "string", "System type", "ประเภทระบบ",
                     enum=_choices(GroundwaterBank.SystemType), in_tiles=True),
            Property("purpose", "purpose", "string", "Purpose", "วัตถุประสงค์",
                     enum=_choices(GroundwaterBank.Purpose), in_tiles=True),
            Property("depth_m", "depth_m", "number", "Depth (m)", "ความลึก (ม.)"),
            Property("width_m", "width_m", "number", "Width or diameter (m)", "ความกว้าง (ม.)"),
            Property("volume_m3", "volume_m3", "number", "Volume (m³)", "ปริมาตร (ลบ.ม.)"),
            Property("construction_date", "construction_date", "date", "Construction date", "วันที่ก่อสร้าง"),
            Property("last_inspection_date", "last_inspection_date", "date", "Last inspection", "ตรวจสอบล่าสุด"),
            Property("condition", "condition", "string", "Condition", "สภาพ",
                     enum=("",) + _choices(Condition)),
        ),
        title_en="Groundwater banks", title_th="ธนาคารน้ำใต้ดิน",
        description_en="Groundwater recharge wells and ponds built by local administrative organisations.",
        description_th="ธนาคารน้ำใต้ดินระบบเปิดและระบบปิดที่ อปท. ก่อสร้าง",
        style=Style(colour="#1f78b4", symbol="water"), minzoom=5, maxzoom=16,
        keywords=("groundwater", "water", "ธนาคารน้ำใต้ดิน"), **PROGRAMME_DEFAULTS,
    ),
    Layer(
        id="local_roads", model=LocalRoad, geometry_field="geom", geometry_type="MultiLineString",
        properties=_site_properties(LocalRoad) + (
            Property("length_m", "length_m", "number", "Length (m)", "ความยาว (ม.)", in_tiles=True),
            Property("surface", "surface", "string", "Surface", "ผิวจราจร", enum=_choices(LocalRoad.Surface),
                     in_tiles=True),
            Property("width_m", "width_m", "number", "Width (m)", "ความกว้าง (ม.)"),
            Property("trees_planted", "trees_planted", "integer", "Trees planted", "ต้นไม้ที่ปลูก"),
        ),
        title_en="Environment-friendly local roads", title_th="1 อปท. 1 ถนนท้องถิ่นใส่ใจสิ่งแวดล้อม",
        description_en="One LAO, one environment-friendly local road: roads lined with planted trees.",
        description_th="ถนนท้องถิ่นใส่ใจสิ่งแวดล้อม หนึ่ง อปท. หนึ่งถนน",
        style=Style(colour="#33a02c", symbol="road", line_width_px=2.5), minzoom=5, maxzoom=16,
        keywords=("road", "ถนน"), **PROGRAMME_DEFAULTS,
    ),
    Layer(
        id="playgrounds", model=Playground, geometry_field="geom", geometry_type="Point",
        properties=_site_properties(Playground) + (
            Property("child_development_centre", "child_development_centre", "string",
                     "Child development centre served", "ศูนย์พัฒนาเด็กเล็ก"),
            Property("partner", "partner", "string", "Partner", "ภาคีเครือข่าย"),
            Property("has_creativity", "has_creativity", "boolean", "Creativity station", "ฐานความคิดสร้างสรรค์"),
            Property("has_water_love", "has_water_love", "boolean", "Love of water station", "ฐานรักน้ำ"),
            Property("has_climbing_net", "has_climbing_net", "boolean", "Climbing net station", "ฐานใยแมงมุม"),
            Property("has_boat_classroom", "has_boat_classroom", "boolean", "Boat classroom station",
                     "ฐานเรือ ห้องเรียนใต้ต้นไม้"),
            Property("has_water_pool", "has_water_pool", "boolean", "Water-play pool", "ฐานสระน้ำ"),
        ),
        title_en="Brain-building playgrounds", title_th="สนามเด็กเล่นสร้างปัญญา",
        description_en="Playgrounds with five play stations, one per area of early-childhood development.",
        description_th="สนามเด็กเล่นสร้างปัญญา ห้าฐานการเรียนรู้ตามพัฒนาการเด็กปฐมวัย",
        style=Style(colour="#ff7f00", symbol="playground"), minzoom=5, maxzoom=16,
        keywords=("playground", "สนามเด็กเล่น"), **PROGRAMME_DEFAULTS,
    ),
    Layer(
        id="ewaste_points", model=EwastePoint, geometry_field="geom", geometry_type="Point",
        properties=_site_properties(EwastePoint) + (
            Property("host_type", "host_type", "string", "Host", "สถานที่ตั้ง", enum=_choices(EwastePoint.HostType),
                     in_tiles=True),
            Property("active_from", "active_from", "date", "Active from", "เริ่มให้บริการ"),
            Property("active_to", "active_to", "date", "Active until", "สิ้นสุดการให้บริการ"),
        ),
        title_en="E-waste collection points", title_th="มือถือเก่าไป ชีวิตใหม่มา",
        description_en="Collection points for old phones and batteries; proceeds buy books for child centres.",
        description_th="จุดรับทิ้งขยะอิเล็กทรอนิกส์ รายได้นำไปซื้อหนังสือให้ศูนย์พัฒนาเด็กเล็ก",
        style=Style(colour="#6a3d9a", symbol="recycling"), minzoom=5, maxzoom=16,
        keywords=("e-waste", "recycling", "ขยะอิเล็กทรอนิกส์"), **PROGRAMME_DEFAULTS,
    ),
    # Boundaries are read-only reference layers; polygons are heavy, so their pages are smaller.
    Layer(
        id="provinces", model=Province, geometry_field="geom", geometry_type="MultiPolygon",
        properties=_boundary_properties("province"),
        title_en="Provinces", title_th="จังหวัด",
        description_en="The 77 provinces of Thailand (Bangkok among them).", description_th="จังหวัด 77 จังหวัด",
        style=Style(colour="#444444", symbol="boundary", line_width_px=2.0), has_published=False, writable=False,
        default_limit=10, max_limit=100, minzoom=0, maxzoom=10, keywords=("boundary", "province", "จังหวัด"),
    ),
    Layer(
        id="districts", model=District, geometry_field="geom", geometry_type="MultiPolygon",
        properties=_boundary_properties("district"),
        title_en="Districts", title_th="อำเภอ",
        description_en="Districts (amphoe and Bangkok khet).", description_th="อำเภอและเขต",
        style=Style(colour="#777777", symbol="boundary", line_width_px=1.2), has_published=False, writable=False,
        default_limit=10, max_limit=1000, minzoom=6, maxzoom=12, keywords=("boundary", "district", "อำเภอ"),
    ),
    Layer(
        id="subdistricts", model=Subdistrict, geometry_field="geom", geometry_type="MultiPolygon",
        properties=_boundary_properties("subdistrict"),
        title_en="Subdistricts", title_th="ตำบล",
        description_en="Subdistricts (tambon and Bangkok khwaeng), where every site is placed.",
        description_th="ตำบลและแขวง",
        style=Style(colour="#aaaaaa", symbol="boundary", line_width_px=0.8), has_published=False, writable=False,
        default_limit=10, max_limit=1000, minzoom=8, maxzoom=14, keywords=("boundary", "subdistrict", "ตำบล"),
    ),
)

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
