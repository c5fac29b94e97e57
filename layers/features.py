"""Feature SQL: GeoJSON features rendered inside PostGIS from a filtered ORM queryset.

The queryset carries every filter as bound parameters; its SQL becomes the inner query of one
statement that builds each feature's JSON text in the database (ST_AsGeoJSON, json_build_object),
so Python only joins strings and streams them. Property names come from the registry, never from input.
"""
import re
from collections.abc import Iterator

from django.db import connection
from django.db.models import ExpressionWrapper, F, Field, QuerySet

from layers.ogc.crs import CRS84, Crs
from layers.registry import Layer

SAFE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
FETCH_ROWS = 2000


def _values_queryset(layer: Layer, queryset: QuerySet, names: list[str], with_geometry: bool = True) -> QuerySet:
    aliases = {"fid": F(layer.id_field)}
    if with_geometry:
        # A plain output field keeps GeoDjango from wrapping the column in ST_AsEWKB: the outer query
        # needs the geometry itself.
        aliases["g"] = ExpressionWrapper(F(layer.geometry_field), output_field=Field())
    aliases.update({f"p{i}": F(layer.get_property(name).path) for i, name in enumerate(names)})
    return queryset.values(**aliases)


def _properties_sql(layer: Layer, names: list[str]) -> str:
    """SQL of the properties object: row_to_json of the aliased columns is compact and faster than
    json_build_object with many arguments."""
    columns = []
    for i, name in enumerate(names):
        # Names are registry constants; the check keeps it that way should anyone change that.
        assert SAFE_NAME.match(name), name
        columns.append(f't.p{i} AS "{name}"')
    return f"(SELECT row_to_json(x)::text FROM (SELECT {', '.join(columns)}) x)" if columns else "'{}'"


def geometry_sql(crs: Crs, column: str = "t.g") -> tuple[str, list]:
    """SQL (and its parameters) of a geometry column as GeoJSON text in `crs`, axis order as the CRS says."""
    expression, params = column, []
    if crs.srid != 4326:
        expression, params = f"ST_Transform({expression}, %s)", [crs.srid]
    if crs.lat_first:
        expression = f"ST_FlipCoordinates({expression})"
    return f"ST_AsGeoJSON({expression}, {int(crs.decimals)}, 0)", params


def feature_rows_sql(layer: Layer, queryset: QuerySet, names: list[str], crs: Crs = CRS84) -> tuple[str, list]:
    """One row per feature holding its GeoJSON text, in the queryset's order and slice."""
    inner_sql, inner_params = _values_queryset(layer, queryset, names).query.sql_with_params()
    geometry, geometry_params = geometry_sql(crs)
    sql = (
        "SELECT '{\"type\":\"Feature\",\"id\":' || to_json(t.fid)::text"
        f" || ',\"geometry\":' || COALESCE({geometry}, 'null')"
        f" || ',\"properties\":' || {_properties_sql(layer, names)} || '}}' FROM ({inner_sql}) t"
    )
    return sql, geometry_params + list(inner_params)


class FeatureRows:
    """An executed feature query: the row count is known at once, the rows are fetched as they stream."""

    def __init__(self, layer: Layer, queryset: QuerySet, names: list[str], crs: Crs = CRS84):
        sql, params = feature_rows_sql(layer, queryset, names, crs)
        self.cursor = connection.cursor()
        # Executed here, not in the stream, so a database error is raised before any byte is sent.
        self.cursor.execute(sql, params)
        self.count = self.cursor.rowcount

    def chunks(self) -> Iterator[str]:
        """Comma-joined feature texts, a few thousand features at a time."""
        try:
            first = True
            while rows := self.cursor.fetchmany(FETCH_ROWS):
                text = ",".join(row[0] for row in rows)
                yield text if first else "," + text
                first = False
        finally:
            self.cursor.close()

    def list(self) -> list[str]:
        """Every feature text (for small results)."""
        try:
            return [row[0] for row in self.cursor.fetchall()]
        finally:
            self.cursor.close()


def plain_rows(layer: Layer, queryset: QuerySet, names: list[str]) -> Iterator[tuple]:
    """Rows of (id, lon, lat, wkt-or-None, *properties) for CSV: points give lon/lat, others a point on them."""
    inner_sql, inner_params = _values_queryset(layer, queryset, names).query.sql_with_params()
    columns = ", ".join(f"t.p{i}" for i in range(len(names)))
    point_only = layer.geometry_type == "Point"
    wkt = "NULL" if point_only else "ST_AsText(t.g, 7)"
    sql = (f"SELECT t.fid, round(ST_X(ST_PointOnSurface(t.g))::numeric, 7), "
           f"round(ST_Y(ST_PointOnSurface(t.g))::numeric, 7), {wkt}{', ' if names else ''}{columns} "
           f"FROM ({inner_sql}) t")
    with connection.cursor() as cursor:
        cursor.execute(sql, list(inner_params))
        while rows := cursor.fetchmany(FETCH_ROWS):
            yield from rows

