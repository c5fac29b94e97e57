"""Reading and checking a coverage request's inputs; every mistake becomes an InvalidInput with advice."""
import json
import math
from dataclasses import asdict, dataclass, field

from django.contrib.gis.geos import MultiPolygon
from django.db import connection

from gis_service.coverage.errors import InvalidInput
from gis_service.coverage.sources import ALL_STATUSES, DEFAULT_LAYER, SERVING_STATUSES_DEFAULT, get_site_layer
from gis_service.geography import queries
from gis_service.geography.constants import WGS84
from gis_service.geography.geometry_input import WRONG_TYPE, GeometryInputError, read_geometry
from gis_service.geography.models import District, Province, Subdistrict

LEVELS = {"province": Province, "district": District, "subdistrict": Subdistrict}
LEVEL_CODE_LENGTH = {"province": 4, "district": 6, "subdistrict": 8}  # with the "TH" prefix
DEFAULT_RADIUS_M = 1_000.0
# A service radius beyond 50 km says nothing about access to a point; it is a typing slip.
MAX_RADIUS_M = 50_000.0
DEFAULT_RESOLUTION_M = 500.0
MIN_RESOLUTION_M, MAX_RESOLUTION_M = 50.0, 10_000.0
MAX_PROPOSALS = 200
MAX_POLYGON_VERTICES = 100_000


@dataclass(frozen=True)
class CoverageParams:
    """The validated inputs of one coverage computation (everything a result depends on but the data)."""

    layer: str = DEFAULT_LAYER
    radius_m: float = DEFAULT_RADIUS_M
    statuses: tuple[str, ...] = SERVING_STATUSES_DEFAULT
    level: str = "subdistrict"
    area_code: str | None = None
    area_polygon: str | None = None  # canonical GeoJSON in lon/lat
    population: str | None = None  # a raster reference, see population.py
    resolution_m: float = DEFAULT_RESOLUTION_M
    count: int = 10
    published_only: bool = True
    extra: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """A JSON-ready form (for cache keys and job records)."""
        data = asdict(self)
        data["statuses"] = list(self.statuses)
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "CoverageParams":
        """The inverse of as_dict."""
        return cls(**{**data, "statuses": tuple(data["statuses"])})

    @property
    def has_area(self) -> bool:
        return bool(self.area_code or self.area_polygon)


def _number(raw: str | None, name: str, default: float, low: float, high: float, unit: str) -> float:
    if raw is None or str(raw).strip() == "":
        return default
    try:
        value = float(raw)
    except (TypeError, ValueError):
        raise InvalidInput(f"{name} must be a number of {unit}, not '{raw}'.", field=name) from None
    if not math.isfinite(value) or value < low or value > high:
        raise InvalidInput(f"{name} must be between {low:g} and {high:g} {unit}; {raw} is out of range.", field=name)
    return value


def parse_radius(raw: str | None, default_m: float = DEFAULT_RADIUS_M) -> float:
    """Service radius in metres: above 0 and at most 50 km; the layer's declared default when not given."""
    value = _number(raw, "radius_m", default_m, 0.0, MAX_RADIUS_M, "metres")
    if value <= 0:
        raise InvalidInput(
            f"radius_m must be above 0 metres (Sphere's standard is 500, this layer's default {default_m:.0f}).",
            field="radius_m",
        )
    return value


def parse_statuses(raw: str | None) -> tuple[str, ...]:
    """Statuses that count as serving, comma-separated; default operational."""
    if raw is None or raw.strip() == "":
        return SERVING_STATUSES_DEFAULT
    statuses = tuple(sorted({part.strip() for part in raw.split(",") if part.strip()}))
    unknown = [s for s in statuses if s not in ALL_STATUSES]
    if unknown or not statuses:
        raise InvalidInput(
            f"Unknown status {', '.join(unknown) or raw!r}: choose among {', '.join(ALL_STATUSES)}.", field="statuses"
        )
    return statuses


def parse_level(raw: str | None) -> str:
    """Administrative level of the units reported."""
    level = (raw or "subdistrict").strip().lower()
    if level not in LEVELS:
        raise InvalidInput(f"Unknown level '{raw}': choose province, district or subdistrict.", field="level")
    return level


def parse_area_code(raw: str | None) -> str | None:
    """An admin code (TH + 2, 4 or 6 digits, the prefix optional) that exists."""
    if raw is None or raw.strip() == "":
        return None
    code = raw.strip().upper()
    if not code.startswith("TH"):
        code = "TH" + code
    model = {4: Province, 6: District, 8: Subdistrict}.get(len(code))
    if model is None or not code[2:].isdigit() or not model.objects.filter(code=code).exists():
        raise InvalidInput(
            f"Unknown administrative code '{raw}': give a province (TH90), district (TH9011) or subdistrict "
            "(TH901101) code that exists.", field="area",
        )
    return code


def parse_polygon(raw: str | dict | None) -> str | None:
    """A valid (Multi)Polygon GeoJSON in lon/lat that overlaps Thailand; returned as canonical GeoJSON."""
    if raw is None or raw == "":
        return None
    try:
        data = raw if isinstance(raw, dict) else json.loads(str(raw))
        if isinstance(data, dict) and data.get("type") == "Feature":
            data = data.get("geometry")
        geom = read_geometry(data, ("Polygon", "MultiPolygon"), geojson_only=True)
    except ValueError as exc:  # not JSON, or no readable geometry (GeometryInputError is a ValueError)
        if isinstance(exc, GeometryInputError) and exc.reason == WRONG_TYPE:
            raise InvalidInput(f"area_polygon must be a Polygon or MultiPolygon, not a {exc.geom_type}.",
                               "area_polygon") from None
        raise InvalidInput("area_polygon could not be read: give a GeoJSON Polygon or MultiPolygon in lon/lat.",
                           field="area_polygon") from None
    # Coordinates are taken as lon/lat whatever CRS the GeoJSON names; the range check below refuses other units.
    geom.srid = WGS84
    if geom.num_coords > MAX_POLYGON_VERTICES:
        raise InvalidInput(f"area_polygon has more than {MAX_POLYGON_VERTICES:,} vertices: simplify it.",
                           field="area_polygon")
    if geom.empty or not geom.valid:
        reason = "it is empty" if geom.empty else geom.valid_reason
        raise InvalidInput(f"area_polygon is invalid ({reason}): redraw it without self-crossings.",
                           field="area_polygon")
    x_min, y_min, x_max, y_max = geom.extent
    if not (-180 <= x_min <= x_max <= 180 and -90 <= y_min <= y_max <= 90):
        raise InvalidInput("area_polygon is not in lon/lat degrees: give WGS 84 coordinates, longitude first.",
                           field="area_polygon")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT EXISTS (SELECT 1 FROM {queries.table('province')} WHERE geom && ST_GeomFromEWKB(%s) "
            "AND ST_Intersects(geom, ST_GeomFromEWKB(%s)))", [bytes(geom.ewkb)] * 2,
        )
        inside = cursor.fetchone()[0]
    if not inside:
        raise InvalidInput("area_polygon lies outside Thailand: draw it over Thai land (longitude first).",
                           field="area_polygon")
    if geom.geom_type == "Polygon":
        geom = MultiPolygon(geom, srid=WGS84)
    return geom.json


def parse_count(raw: str | None, default: int = 10) -> int:
    """How many new sites to propose."""
    if raw is None or str(raw).strip() == "":
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise InvalidInput(f"count must be a whole number of sites, not '{raw}'.", field="count") from None
    if not 1 <= value <= MAX_PROPOSALS:
        raise InvalidInput(f"count must be between 1 and {MAX_PROPOSALS}.", field="count")
    return value


def parse_params(query, published_only: bool, population: str | None = None) -> CoverageParams:
    """All inputs from a QueryDict-like mapping (query string or form), checked."""
    site_layer = get_site_layer((query.get("layer") or DEFAULT_LAYER).strip())
    layer = site_layer.id
    area_code = parse_area_code(query.get("area"))
    area_polygon = parse_polygon(query.get("area_polygon"))
    if area_code and area_polygon:
        raise InvalidInput("Give either area (an admin code) or area_polygon, not both.", field="area")
    level = parse_level(query.get("level"))
    if area_code and LEVEL_CODE_LENGTH[level] < len(area_code):
        # Units coarser than the area would be only partly inside it: report at the area's own level.
        level = {length: name for name, length in LEVEL_CODE_LENGTH.items()}[len(area_code)]
    return CoverageParams(
        layer=layer,
        radius_m=parse_radius(query.get("radius_m"), site_layer.default_radius_m),
        statuses=parse_statuses(query.get("statuses")),
        level=level,
        area_code=area_code,
        area_polygon=area_polygon,
        population=population,
        resolution_m=_number(query.get("resolution_m"), "resolution_m", DEFAULT_RESOLUTION_M,
                             MIN_RESOLUTION_M, MAX_RESOLUTION_M, "metres"),
        count=parse_count(query.get("count")),
        published_only=published_only,
    )
