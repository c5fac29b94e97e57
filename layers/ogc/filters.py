"""Part 3 filtering: plain `?property=value` parameters and CQL2 (text and JSON) translated to ORM `Q`s.

CQL2 is parsed by pygeofilter into an AST; this module walks that AST and builds Django lookups with
the values as bound parameters, so no SQL text is ever built from what a client sends.
"""
import datetime as dt
import json
import re

from django.contrib.gis.geos import GEOSException, GEOSGeometry, Polygon
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from pygeofilter import ast, values
from pygeofilter.parsers.cql2_json import parse as parse_cql2_json
from pygeofilter.parsers.cql2_text import parse as parse_cql2_text

from gis_service.geography.constants import WGS84
from layers.crs import Crs
from layers.ogc.errors import InvalidParameter
from layers.registry import Layer, Property

GEOMETRY_NAMES = ("geometry", "geom")
FILTER_LANGS = ("cql2-text", "cql2-json")
COMPARISON_LOOKUPS = {"=": "exact", "<": "lt", "<=": "lte", ">": "gt", ">=": "gte"}
SPATIAL_LOOKUPS = {
    ast.GeometryIntersects: "intersects", ast.GeometryDisjoint: "disjoint", ast.GeometryContains: "contains",
    ast.GeometryWithin: "within", ast.GeometryTouches: "touches", ast.GeometryCrosses: "crosses",
    ast.GeometryOverlaps: "overlaps", ast.GeometryEquals: "equals",
}
TRUE_WORDS, FALSE_WORDS = {"true", "1", "yes"}, {"false", "0", "no"}


def coerce(prop: Property, raw: object) -> object:
    """A client's value converted to the property's type; InvalidParameter when it cannot be."""
    try:
        value = _coerce(prop, raw)
    except (TypeError, ValueError):
        value = None
    if value is None:
        raise InvalidParameter(f"'{raw}' is not a valid {prop.type} for property '{prop.name}'.")
    if prop.enum and value not in prop.enum:
        raise InvalidParameter(
            f"'{raw}' is not a value of '{prop.name}': use one of {', '.join(e for e in prop.enum if e)}."
        )
    return value


def _coerce(prop: Property, raw: object) -> object:
    if prop.type == "string":
        return raw if isinstance(raw, str) else None
    if prop.type == "boolean":
        if isinstance(raw, bool):
            return raw
        text = str(raw).lower()
        return True if text in TRUE_WORDS else False if text in FALSE_WORDS else None
    if prop.type == "integer":
        if isinstance(raw, bool) or (isinstance(raw, float) and not raw.is_integer()):
            return None
        return int(raw)
    if prop.type == "number":
        if isinstance(raw, bool):
            return None
        number = float(raw)
        return number if number == number and abs(number) != float("inf") else None
    if prop.type == "date":
        if isinstance(raw, dt.datetime):
            return raw.date()
        return raw if isinstance(raw, dt.date) else parse_date(str(raw))
    moment = raw if isinstance(raw, dt.datetime) else parse_datetime(str(raw))
    if moment is None and isinstance(raw, (dt.date, str)):
        day = raw if isinstance(raw, dt.date) else parse_date(raw)
        moment = dt.datetime.combine(day, dt.time()) if day else None
    if moment is not None and timezone.is_naive(moment):
        moment = timezone.make_aware(moment, dt.UTC)
    return moment


def plain_filter(prop: Property, raw_values: list[str]) -> Q:
    """`?status=operational` (or `?status=planned,operational` for any of several) as a `Q`."""
    wanted = [coerce(prop, part.strip()) for raw in raw_values for part in raw.split(",")]
    if len(wanted) == 1:
        return Q(**{prop.path: wanted[0]})
    return Q(**{f"{prop.path}__in": wanted})


def parse_cql2(layer: Layer, text: str, lang: str | None, crs: Crs) -> Q:
    """A CQL2 `filter` (text or JSON) as a `Q` on the layer; InvalidParameter on any mistake."""
    lang = lang or "cql2-text"
    if lang not in FILTER_LANGS:
        raise InvalidParameter(f"Unsupported filter-lang '{lang}': use cql2-text or cql2-json.")
    try:
        tree = parse_cql2_text(text) if lang == "cql2-text" else parse_cql2_json(json.loads(text))
    except Exception as exc:  # the parsers raise many types (lark, JSON, KeyError); all mean bad input
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InvalidParameter(
            f"The {lang} filter could not be parsed: {first_line[:200]}", code="InvalidFilter"
        ) from None
    try:
        return CqlTranslator(layer, crs).to_q(tree)
    except (AttributeError, TypeError, ValueError, KeyError) as exc:
        # The AST came from the client: a shape the translator does not expect is the client's mistake.
        raise InvalidParameter(
            f"The filter could not be applied ({type(exc).__name__}): use comparisons of a "
            "property with a literal, or S_* operators on 'geometry'.",
            code="InvalidFilter",
        ) from None


class CqlTranslator:
    """Walks a pygeofilter AST and builds ORM lookups for one layer."""

    def __init__(self, layer: Layer, crs: Crs):
        self.layer, self.crs = layer, crs

    def to_q(self, node: object) -> Q:
        """The `Q` for a boolean CQL2 expression."""
        if isinstance(node, ast.And):
            return self.to_q(node.lhs) & self.to_q(node.rhs)
        if isinstance(node, ast.Or):
            return self.to_q(node.lhs) | self.to_q(node.rhs)
        if isinstance(node, ast.Not):
            return ~self.to_q(node.sub_node)
        if isinstance(node, ast.Comparison):
            return self._comparison(node)
        if isinstance(node, ast.Between):
            prop = self._property(node.lhs)
            q = Q(**{f"{prop.path}__gte": coerce(prop, node.low), f"{prop.path}__lte": coerce(prop, node.high)})
            return ~q if node.not_ else q
        if isinstance(node, ast.In):
            prop = self._property(node.lhs)
            q = Q(**{f"{prop.path}__in": [coerce(prop, option) for option in node.sub_nodes]})
            return ~q if node.not_ else q
        if isinstance(node, ast.IsNull):
            prop = self._property(node.lhs)
            return Q(**{f"{prop.path}__isnull": not node.not_})
        if isinstance(node, ast.Like):
            return self._like(node)
        if type(node) in SPATIAL_LOOKUPS:
            self._geometry_attribute(node.lhs)
            lookup = SPATIAL_LOOKUPS[type(node)]
            return Q(**{f"{self.layer.geometry_field}__{lookup}": self._geometry(node.rhs)})
        if isinstance(node, ast.BBox):
            self._geometry_attribute(node.lhs)
            box = Polygon.from_bbox((node.minx, node.miny, node.maxx, node.maxy))
            box.srid = WGS84
            return Q(**{f"{self.layer.geometry_field}__intersects": box})
        raise InvalidParameter(
            f"The filter uses {type(node).__name__}, which this API does not support: use comparisons, "
            "BETWEEN, IN, LIKE, IS NULL, AND/OR/NOT and the spatial S_* operators.",
            code="InvalidFilter",
        )

    def _property(self, node: object, nocase: bool = False) -> Property:
        if not isinstance(node, ast.Attribute):
            raise InvalidParameter("The left side of each comparison must be a property name.", code="InvalidFilter")
        try:
            prop = self.layer.get_property(node.name)
        except KeyError:
            prop = None
        if prop is None or not prop.queryable:
            raise InvalidParameter(
                f"The filter names unknown property '{node.name}'; queryables of '{self.layer.id}' are: "
                f"{', '.join(p.name for p in self.layer.queryables)}.",
                code="UnknownProperty",
            )
        return prop

    def _comparison(self, node: ast.Comparison) -> Q:
        lhs, rhs, op = node.lhs, node.rhs, node.op.value
        if isinstance(rhs, ast.Attribute) and not isinstance(lhs, ast.Attribute):
            lhs, rhs = rhs, lhs
            op = {"<": ">", ">": "<", "<=": ">=", ">=": "<="}.get(op, op)
        nocase = isinstance(lhs, ast.Function) and lhs.name == "lower" and len(lhs.arguments) == 1
        if isinstance(rhs, ast.Function) and rhs.name == "lower" and len(rhs.arguments) == 1:
            # CASEI('literal') on the right: compare case-insensitively with the literal itself.
            rhs, nocase = rhs.arguments[0], nocase or isinstance(rhs.arguments[0], str)
        lhs_is_casei = isinstance(lhs, ast.Function) and lhs.name == "lower" and len(lhs.arguments) == 1
        prop = self._property(lhs.arguments[0] if lhs_is_casei else lhs)
        value = coerce(prop, rhs.lower() if nocase and isinstance(rhs, str) else rhs)
        if op == "<>":
            return ~Q(**{prop.path: value})
        lookup = "iexact" if nocase and op == "=" else COMPARISON_LOOKUPS[op]
        return Q(**{f"{prop.path}__{lookup}": value})

    def _like(self, node: ast.Like) -> Q:
        lhs, nocase = node.lhs, node.nocase
        if isinstance(lhs, ast.Function) and lhs.name == "lower" and len(lhs.arguments) == 1:
            lhs, nocase = lhs.arguments[0], True
        prop = self._property(lhs)
        if prop.type != "string":
            raise InvalidParameter(f"LIKE needs a text property; '{prop.name}' is a {prop.type}.", code="InvalidFilter")
        if not isinstance(node.pattern, str):
            raise InvalidParameter("LIKE needs a quoted text pattern, e.g. name_en LIKE 'Ban%'.", code="InvalidFilter")
        # CQL2 fixes the single-character wildcard as '_' (pygeofilter's default differs).
        regex = _like_to_regex(node.pattern, node.wildcard, "_", node.escapechar)
        q = Q(**{f"{prop.path}__{'iregex' if nocase else 'regex'}": regex})
        return ~q if node.not_ else q

    def _geometry_attribute(self, node: object) -> None:
        if not (isinstance(node, ast.Attribute) and node.name in GEOMETRY_NAMES):
            raise InvalidParameter(
                "Spatial operators compare the property 'geometry' with a geometry literal.", code="InvalidFilter"
            )

    def _geometry(self, node: object) -> GEOSGeometry:
        if isinstance(node, values.Envelope):
            corners = [(node.x1, node.y1), (node.x2, node.y2)]
            if self.crs.lat_first:
                corners = [(y, x) for x, y in corners]
            (x1, y1), (x2, y2) = corners
            geometry = Polygon.from_bbox((min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2)))
        elif isinstance(node, values.Geometry):
            shape = dict(node.__geo_interface__)
            if self.crs.lat_first:
                shape = _flip(shape)
            try:
                geometry = GEOSGeometry(json.dumps(shape))
            except (GEOSException, ValueError, TypeError) as exc:
                raise InvalidParameter(f"The filter's geometry could not be read: {exc}", code="InvalidFilter") from exc
        else:
            raise InvalidParameter(
                "Spatial operators need a geometry literal (WKT or GeoJSON) on the right.", code="InvalidFilter"
            )
        geometry.srid = self.crs.srid
        return geometry


def _flip(shape: dict) -> dict:
    """Swap the axes of a GeoJSON-like geometry given lat/lon (EPSG:4326 as OGC orders it)."""

    def swap(coords):
        if coords and isinstance(coords[0], (int, float)):
            return [coords[1], coords[0], *coords[2:]]
        return [swap(part) for part in coords]

    if shape.get("type") == "GeometryCollection":
        return {**shape, "geometries": [_flip(g) for g in shape["geometries"]]}
    return {**shape, "coordinates": swap(shape["coordinates"])}


def _like_to_regex(pattern: str, wildcard: str, singlechar: str, escapechar: str) -> str:
    """A CQL2 LIKE pattern as an anchored regular expression (passed as a bound parameter)."""
    parts, escaped = ["^"], False
    for char in pattern:
        if escaped:
            parts.append(re.escape(char))
            escaped = False
        elif char == escapechar:
            escaped = True
        elif char == wildcard:
            parts.append(".*")
        elif char == singlechar:
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return "".join(parts) + "$"
