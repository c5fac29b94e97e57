"""Parse and check the query parameters of `/items` (Parts 1 to 3); every refusal says what to send instead."""
import datetime as dt
import math
from dataclasses import dataclass, field

from django.contrib.gis.geos import Polygon
from django.db.models import Q
from django.http import QueryDict
from django.utils.dateparse import parse_date, parse_datetime

from gis_service.geography.constants import WGS84
from layers.crs import CRS84, SUPPORTED, Crs, find_crs
from layers.ogc.errors import InvalidParameter, UnknownParameter
from layers.ogc.filters import parse_cql2, plain_filter
from layers.registry import Layer

# Parameters every `/items` request may carry besides the layer's queryables.
ITEMS_PARAMETERS = ("f", "limit", "offset", "bbox", "bbox-crs", "datetime", "crs", "properties", "sortby",
                    "filter", "filter-lang", "filter-crs")
# A larger `limit` is refused rather than clamped, so a client never silently gets fewer features than asked.
OFFSET_MAX = 10_000_000
# The parameters that decide which features match (besides the layer's queryables), as opposed to
# which page, properties, order or CRS is sent.
FILTER_PARAMETERS = ("bbox", "bbox-crs", "datetime", "filter", "filter-lang", "filter-crs")


@dataclass
class ItemQuery:
    """What an `/items` request asks for, checked."""

    limit: int
    offset: int = 0
    crs: Crs = CRS84
    names: list[str] = field(default_factory=list)
    order_paths: list[str] = field(default_factory=list)
    where: Q = field(default_factory=Q)
    # The filter parameters as sent, sorted: equal keys select equal features (see counts.py).
    filter_key: tuple = ()



def parse_crs(value: str | None, parameter: str) -> Crs:
    """The CRS named by a `crs`, `bbox-crs` or `filter-crs` value (CRS84 when absent)."""
    if value is None or value == "":
        return CRS84
    crs = find_crs(value)
    if crs is None:
        raise InvalidParameter(
            f"Unsupported {parameter} '{value}': use one of {', '.join(c.uri for c in SUPPORTED)}."
        )
    return crs

def parse_items_query(layer: Layer, params: QueryDict, paged: bool = True) -> ItemQuery:
    """Check every parameter of an `/items` (or export) request against the layer's declaration."""
    allowed = set(ITEMS_PARAMETERS) | {prop.name for prop in layer.queryables}
    unknown = sorted(set(params) - allowed)
    if unknown:
        raise UnknownParameter(
            f"Unknown parameter or property {', '.join(repr(u) for u in unknown)} for collection '{layer.id}'; "
            f"queryable properties are: {', '.join(p.name for p in layer.queryables)}."
        )
    query = ItemQuery(limit=parse_limit(layer, params.get("limit")) if paged else 0)
    if paged:
        query.offset = _parse_int(params.get("offset"), "offset", 0, 0, OFFSET_MAX)
    query.crs = parse_crs(params.get("crs"), "crs")
    query.names = parse_properties(layer, params.get("properties"))
    query.order_paths = parse_sortby(layer, params.get("sortby"))
    where = Q()
    if params.get("bbox") is not None:
        polygon = parse_bbox(params["bbox"], parse_crs(params.get("bbox-crs"), "bbox-crs"))
        where &= Q(**{f"{layer.geometry_field}__intersects": polygon})
    elif params.get("bbox-crs") is not None:
        parse_crs(params["bbox-crs"], "bbox-crs")
    if params.get("datetime") is not None:
        where &= datetime_filter(layer, params["datetime"])
    for prop in layer.queryables:
        if prop.name in params:
            where &= plain_filter(prop, params.getlist(prop.name))
    if params.get("filter") is not None:
        where &= parse_cql2(layer, params["filter"], params.get("filter-lang"),
                            parse_crs(params.get("filter-crs"), "filter-crs"))
    elif params.get("filter-lang") or params.get("filter-crs"):
        raise InvalidParameter("'filter-lang' and 'filter-crs' need a 'filter' to apply to.")
    query.where = where
    deciding = set(FILTER_PARAMETERS) | {prop.name for prop in layer.queryables}
    query.filter_key = tuple(sorted((name, tuple(params.getlist(name))) for name in params if name in deciding))
    return query


def _parse_int(value: str | None, name: str, default: int, low: int, high: int) -> int:
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise InvalidParameter(f"'{name}' must be a whole number between {low} and {high}, not '{value}'.") from None
    if not low <= number <= high:
        raise InvalidParameter(f"'{name}' must be between {low} and {high}; {number} is out of range.")
    return number


def parse_limit(layer: Layer, value: str | None) -> int:
    """The page size: default and maximum come from the registry; beyond the maximum is a 400."""
    return _parse_int(value, "limit", layer.default_limit, 1, layer.max_limit)


def parse_properties(layer: Layer, value: str | None) -> list[str]:
    """The `properties=` subset, in the layer's declaration order; all properties when absent."""
    if value is None:
        return layer.property_names
    asked = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in asked if name not in layer.property_names]
    if unknown:
        raise InvalidParameter(
            f"Unknown property {', '.join(repr(u) for u in unknown)} in 'properties'; "
            f"collection '{layer.id}' has: {', '.join(layer.property_names)}.", code="UnknownProperty")
    return [name for name in layer.property_names if name in asked]


def parse_sortby(layer: Layer, value: str | None) -> list[str]:
    """ORM order_by paths for `sortby=+a,-b`; the feature id always ends the order so paging is stable."""
    paths: list[str] = []
    for raw in (value or "").split(","):
        term = raw.strip()
        if not term:
            continue
        descending = term.startswith("-")
        name = term.lstrip("+- ")
        try:
            prop = layer.get_property(name)
        except KeyError:
            raise InvalidParameter(
                f"Cannot sort by unknown property '{name}'; sortable properties of '{layer.id}' are: "
                f"{', '.join(p.name for p in layer.queryables)}.", code="UnknownProperty") from None
        paths.append(("-" if descending else "") + prop.path)
    return paths + [layer.id_field]


def parse_bbox(value: str, crs: Crs) -> Polygon:
    """A bbox of 4 (or 6, heights ignored) numbers in `crs`, as a polygon in that CRS's x/y order."""
    parts = value.split(",")
    try:
        numbers = [float(part) for part in parts]
    except ValueError:
        raise InvalidParameter(f"'bbox' must be 4 or 6 comma-separated numbers, not '{value}'.") from None
    if len(numbers) not in (4, 6):
        raise InvalidParameter(
            f"'bbox' must have 4 numbers (minx,miny,maxx,maxy) or 6 with heights; got {len(numbers)}.")
    if not all(math.isfinite(n) for n in numbers):
        raise InvalidParameter("'bbox' numbers must be finite.")
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    axis1_min, axis2_min, axis1_max, axis2_max = numbers
    if crs.axis_limits:
        names = ("latitude", "longitude") if crs.lat_first else ("longitude", "latitude")
        for axis, low_high, values in ((0, crs.axis_limits[0], (axis1_min, axis1_max)),
                                       (1, crs.axis_limits[1], (axis2_min, axis2_max))):
            low, high = low_high
            for number in values:
                if not low <= number <= high:
                    raise InvalidParameter(f"'bbox' {names[axis]} {number} is outside [{low}, {high}]; "
                                           f"bbox order is min {names[0]}, min {names[1]}, "
                                           f"max {names[0]}, max {names[1]}.")
    if axis1_min > axis1_max or axis2_min > axis2_max:
        raise InvalidParameter("'bbox' minimum exceeds its maximum: give lower-left corner first, then upper-right.")
    if crs.lat_first:
        axis1_min, axis2_min, axis1_max, axis2_max = axis2_min, axis1_min, axis2_max, axis1_max
    # A zero-width bbox still means "features on this line or point": pad it by a hair to keep a polygon.
    pad = 1e-9 if crs.srid == WGS84 else 1e-4
    if axis1_min == axis1_max:
        axis1_min, axis1_max = axis1_min - pad, axis1_max + pad
    if axis2_min == axis2_max:
        axis2_min, axis2_max = axis2_min - pad, axis2_max + pad
    polygon = Polygon.from_bbox((axis1_min, axis2_min, axis1_max, axis2_max))
    polygon.srid = crs.srid
    return polygon


def _parse_instant(text: str) -> dt.datetime | dt.date:
    value = parse_datetime(text) if "T" in text.upper() else parse_date(text)
    if value is None:
        raise ValueError(text)
    return value


def datetime_filter(layer: Layer, value: str) -> Q:
    """`datetime` (an RFC 3339 instant or `start/end` with `..` open ends) matched on the programme year."""
    if layer.year_field is None:
        raise InvalidParameter(f"Collection '{layer.id}' has no time: leave out 'datetime'.")
    try:
        if "/" in value:
            start_text, end_text = value.split("/", 1)
            start = None if start_text in ("", "..") else _parse_instant(start_text)
            end = None if end_text in ("", "..") else _parse_instant(end_text)
            if start is None and end is None:
                raise ValueError(value)
        else:
            start = end = _parse_instant(value)
    except ValueError:
        raise InvalidParameter(
            f"'datetime' '{value}' is not an RFC 3339 date-time or interval: e.g. 2023-06-01T00:00:00Z, "
            "2021-01-01/2023-12-31 or ../2022-12-31."
        ) from None
    if start is not None and end is not None and start.year > end.year:
        raise InvalidParameter("'datetime' interval ends before it starts: give the earlier instant first.")
    where = Q()
    if start is not None:
        where &= Q(**{f"{layer.year_field}__gte": start.year})
    if end is not None:
        where &= Q(**{f"{layer.year_field}__lte": end.year})
    return where
