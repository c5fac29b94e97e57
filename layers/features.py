"""Feature SQL: GeoJSON features rendered inside PostGIS from a filtered ORM queryset.

The queryset carries every filter as bound parameters; its rows (layers/rows.py) become the inner query of one
statement that builds each feature's JSON text in the database (ST_AsGeoJSON, row_to_json),
so Python only joins strings. Property names come from the registry, never from input.

Downloads (`FeatureRows`) run that one statement and stream its rows. Pages of `/items` and
single features (`FeaturePage`) take two short statements instead: the filtered, sorted page of row ids, then the
features of exactly those ids from a statement that depends only on the layer, the audience, the
properties and the CRS, prepared once per database session. Planning the joins of the place codes
cost more than running them for a page of 100 (about 1 ms against 0.5 ms).
"""
import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass

from django.db import connection
from django.db.models import QuerySet

from gis_service.geography.constants import WGS84
from gis_service.prepared import fetch_prepared, to_prepared_sql
from layers.crs import CRS84, Crs
from layers.registry import Layer
from layers.rows import layer_rows_sql

SAFE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
FETCH_ROWS = 2000
ID_TYPES = ("bigint", "integer")


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
    if crs.srid != WGS84:
        # Typed, so a prepared statement picks ST_Transform(geometry, integer), not the proj-text variant.
        expression, params = f"ST_Transform({expression}, %s::integer)", [crs.srid]
    if crs.lat_first:
        expression = f"ST_FlipCoordinates({expression})"
    return f"ST_AsGeoJSON({expression}, {int(crs.decimals)}, 0)", params


def _feature_text_sql(layer: Layer, names: list[str], crs: Crs) -> tuple[str, list]:
    """The select list making one feature's GeoJSON text from the aliased columns of `t`."""
    geometry, geometry_params = geometry_sql(crs)
    sql = ("'{\"type\":\"Feature\",\"id\":' || to_json(t.fid)::text"
           f" || ',\"geometry\":' || COALESCE({geometry}, 'null')"
           f" || ',\"properties\":' || {_properties_sql(layer, names)} || '}}'")
    return sql, geometry_params


def feature_rows_sql(layer: Layer, queryset: QuerySet, names: list[str], crs: Crs = CRS84) -> tuple[str, list]:
    """One row per feature holding its GeoJSON text, in the queryset's order and slice."""
    inner_sql, inner_params = layer_rows_sql(layer, queryset, names)
    feature_sql, feature_params = _feature_text_sql(layer, names, crs)
    return f"SELECT {feature_sql} FROM ({inner_sql}) t", feature_params + inner_params


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


@dataclass(frozen=True, eq=False)
class Audience:
    """The rows one audience may see (a layer's visible queryset) and a key naming exactly those rows.

    The key is the compiled SQL of the visible row ids, so any visibility rule (published only today)
    is part of it: caches and statements keyed on it can never mix what two audiences see.
    """

    visible: QuerySet
    key: tuple

    @classmethod
    def of(cls, visible: QuerySet) -> "Audience":
        """The audience whose rows are `visible`."""
        sql, params = visible.order_by().values_list("pk").query.sql_with_params()
        return cls(visible, (visible.model._meta.label, sql, tuple(params)))


class PageStatement:
    """The statement rendering the features of given row ids, in the order given, for one audience.

    It depends only on the layer, the audience, the properties and the CRS. It keeps the audience's
    filter (published only, for the public), so it shows nothing the audience may not see whatever
    ids it is handed. Its text is the same for every page, so it is prepared once per database
    session (gis_service/prepared.py `fetch_prepared`) and never planned again.
    """

    def __init__(self, layer: Layer, audience: Audience, names: list[str], crs: Crs):
        id_type = layer.model._meta.pk.db_type(connection)
        assert id_type in ID_TYPES, id_type
        inner_sql, inner_params = layer_rows_sql(layer, audience.visible.order_by(), names, row_id=True)
        feature_sql, feature_params = _feature_text_sql(layer, names, crs)
        sql = (f"SELECT {feature_sql} FROM unnest(%s::{id_type}[]) WITH ORDINALITY AS page(rid, n) "
               f"JOIN ({inner_sql}) t ON t.rid = page.rid ORDER BY page.n")
        self.prepared_sql = to_prepared_sql(sql)
        self.name = "ogc_page_" + hashlib.sha1(self.prepared_sql.encode()).hexdigest()[:16]
        self.params_before, self.params_after = feature_params, inner_params

    def texts(self, ids: list[int]) -> list[str]:
        """The GeoJSON text of each visible feature among `ids`, in their order."""
        rows = fetch_prepared(self.name, self.prepared_sql, [*self.params_before, ids, *self.params_after])
        return [row[0] for row in rows]


_STATEMENTS: dict[tuple, PageStatement] = {}
# Statements differ by `properties=` subset too; the bound keeps a stream of odd subsets from growing memory.
STATEMENTS_MAX = 512


def page_statement(layer: Layer, audience: Audience, names: list[str], crs: Crs) -> PageStatement:
    """The (memoised) page statement of this layer, audience, properties and CRS."""
    key = (layer.id, audience.key, tuple(names), crs)
    statement = _STATEMENTS.get(key)
    if statement is None:
        if len(_STATEMENTS) >= STATEMENTS_MAX:
            _STATEMENTS.clear()
        statement = _STATEMENTS[key] = PageStatement(layer, audience, names, crs)
    return statement


class FeaturePage:
    """One page of features: the row ids of `page` (the audience's rows filtered, sorted and sliced)
    first, then the features of those ids from the prepared page statement."""

    def __init__(self, layer: Layer, audience: Audience, page: QuerySet, names: list[str], crs: Crs = CRS84):
        sql, params = page.values_list("pk").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            ids = [row[0] for row in cursor.fetchall()]
        self.texts = page_statement(layer, audience, names, crs).texts(ids) if ids else []
        self.count = len(self.texts)


def plain_rows(layer: Layer, queryset: QuerySet, names: list[str]) -> Iterator[tuple]:
    """Rows of (id, lon, lat, wkt-or-None, *properties) for CSV: points give lon/lat, others a point on them."""
    inner_sql, inner_params = layer_rows_sql(layer, queryset, names)
    columns = ", ".join(f"t.p{i}" for i in range(len(names)))
    point_only = layer.geometry_type == "Point"
    wkt = "NULL" if point_only else "ST_AsText(t.g, 7)"
    sql = (f"SELECT t.fid, round(ST_X(ST_PointOnSurface(t.g))::numeric, 7), "
           f"round(ST_Y(ST_PointOnSurface(t.g))::numeric, 7), {wkt}{', ' if names else ''}{columns} "
           f"FROM ({inner_sql}) t")
    with connection.cursor() as cursor:
        cursor.execute(sql, inner_params)
        while rows := cursor.fetchmany(FETCH_ROWS):
            yield from rows

