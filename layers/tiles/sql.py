"""Tile SQL: Mapbox Vector Tiles made in PostGIS from the registry's layers, one statement per tile.

Each layer's rows come from its ORM queryset (published filter, joins for the public properties),
compiled once per layer shape; its SQL becomes the inner query of ST_AsMVTGeom/ST_AsMVT. A tile of
several layers concatenates their MVT layers in the same statement, which also reads the layers'
data version, so the bytes and the version that keys the cache come from one snapshot.
"""
import hashlib
from dataclasses import dataclass
from functools import cached_property, lru_cache

from gis_service.prepared import fetch_prepared, to_prepared_sql_with_fixed
from layers.registry import Layer, get_layer
from layers.rows import layer_rows_sql
from layers.versions import VERSION_TABLE, layer_tables

EXTENT = 4096
BUFFER = 64
# Below this zoom the sites of a point or line layer are merged per grid cell, each cell drawn as a
# point with a count: 10,801 wells at zoom 5 would otherwise make a tile of about 900 KB (7,070 roads
# about 500 KB), and a phone cannot draw them apart anyway. Polygons (boundaries) are never merged.
CLUSTER_BELOW_ZOOM = 8
CLUSTER_CELLS_PER_TILE = 32
# Lines and polygons are simplified to this many tile units before clipping (1/8 px at 256 px).
SIMPLIFY_UNITS = 2
# From this zoom polygons are clipped to the tile before simplifying: a province drawn at zoom 12
# needs only the few vertices near the tile, while at low zoom whole polygons are inside anyway.
CLIP_FROM_ZOOM = 9
WEB_MERCATOR_HALF_WIDTH_M = 20037508.342789244
MAX_ZOOM = 24
# The statement's parameters that change with the tile (z, x, y and the buffer), before the fixed ones.
TILE_PARAMETERS = 11

PUBLIC = "public"
STAFF = "staff"


@dataclass(frozen=True)
class TileSql:
    """A compiled statement for one set of layers, scope and zoom mode, with its fixed parameters."""

    sql: str
    params: tuple

    @property
    def name(self) -> str:
        """The name the statement is prepared under (one per statement text)."""
        return _statement_name(self.sql)

    @cached_property
    def prepared_sql(self) -> str:
        """The statement to prepare: tile parameters as $1 .. $11, the fixed ones (the published filter,
        the version tables) written in as literals."""
        return to_prepared_sql_with_fixed(self.sql, TILE_PARAMETERS, list(self.params))

    def execute(self, z: int, x: int, y: int) -> tuple[bytes, int]:
        """Run the statement for one tile: the MVT bytes and the data version they show."""
        ((tile, version),) = fetch_prepared(self.name, self.prepared_sql,
                                            [z, z, x, y, z, x, y, BUFFER / EXTENT, z, x, y])
        return bytes(tile or b""), int(version or 0)


@lru_cache(maxsize=1024)
def _statement_name(sql: str) -> str:
    return "tile_" + hashlib.sha1(sql.encode()).hexdigest()[:16]


def is_clustered(layer: Layer, z: int) -> bool:
    """Whether the layer's sites are merged per grid cell at this zoom."""
    return "Polygon" not in layer.geometry_type and z < CLUSTER_BELOW_ZOOM


def simplify_tolerance_deg(z: int) -> float:
    """Simplification tolerance in degrees of longitude for a zoom (a few tile units)."""
    return SIMPLIFY_UNITS * 360.0 / (2**z) / EXTENT


def _rows_sql(layer: Layer, scope: str, with_properties: bool = True) -> tuple[str, list]:
    """The layer's visible rows as SQL (layers/rows.py): pk `rid`, geometry `g`, site code `fid`, and
    with_properties the tile properties `p<i>` (which may join other tables)."""
    queryset = layer.visible_queryset(None) if scope == PUBLIC else layer.all_rows()
    names = [prop.name for prop in layer.tile_properties] if with_properties else []
    return layer_rows_sql(layer, queryset.order_by(), names, row_id=True)


def _geometry_sql(layer: Layer) -> str:
    """The geometry in Web Mercator, clipped and simplified to the zoom where that saves work."""
    if layer.geometry_type == "Point":
        return "ST_Transform(t.g, 3857)"
    geometry = "t.g"
    if "Polygon" in layer.geometry_type:
        geometry = f"CASE WHEN env.z >= {CLIP_FROM_ZOOM} THEN ST_ClipByBox2D(t.g, env.m) ELSE t.g END"
    return f"ST_Transform(ST_Simplify({geometry}, env.tol, true), 3857)"


def _property_columns(layer: Layer, source: str) -> str:
    return ", ".join(f'{source}.p{i} AS "{prop.name}"' for i, prop in enumerate(layer.tile_properties))


def _layer_mvt_sql(layer: Layer, scope: str, clustered: bool) -> tuple[str, list]:
    """SQL of one MVT layer of the tile (bytea, empty when no row falls in the tile)."""
    rows_sql, params = _rows_sql(layer, scope)
    # The MVT feature id (`fid` of the features) is the row's pk, `rid`; the site code, `fid` in the rows,
    # is carried as a property under the layer's id field name.
    code = layer.id_field
    if clustered:
        # Cells are made from the sites' ids and positions alone; only a cluster of one site (fid set) then
        # looks up that site's properties, so it can be labelled and clicked. Joining the properties (names
        # from other tables) before grouping cost more than the grouping itself at zoom 5.
        points_sql, points_params = _rows_sql(layer, scope, with_properties=False)
        features = (
            f'SELECT c.fid, c.count, s.fid AS "{code}", {_property_columns(layer, "s")}, c.geom FROM ('
            "SELECT CASE WHEN count(*) = 1 THEN min(t.rid) END AS fid, count(*)::int AS count,"
            f" ST_AsMVTGeom(ST_Centroid(ST_Collect(t.c3857)), (SELECT e FROM env), {EXTENT}, {BUFFER}, true)"
            " AS geom FROM (SELECT t.rid, ST_Transform(ST_Centroid(t.g), 3857) AS c3857"
            # Only the tile itself, no margin: each point belongs to exactly one tile's cluster.
            f" FROM ({points_sql}) t, env WHERE t.g && env.b) t, env"
            " GROUP BY floor((ST_X(t.c3857) - env.xmin) / env.cell), floor((ST_Y(t.c3857) - env.ymin) / env.cell)"
            f") c LEFT JOIN ({rows_sql}) s ON s.rid = c.fid"
        )
        params = points_params + params
    else:
        features = (
            f'SELECT t.rid AS fid, t.fid AS "{code}", {_property_columns(layer, "t")},'
            f" ST_AsMVTGeom({_geometry_sql(layer)}, env.e, {EXTENT}, {BUFFER}, true) AS geom"
            f" FROM ({rows_sql}) t, env WHERE t.g && env.m"
        )
    sql = (
        f"(SELECT COALESCE(ST_AsMVT(f, '{layer.id}', {EXTENT}, 'geom', 'fid'), ''::bytea)"
        f" FROM ({features}) f WHERE f.geom IS NOT NULL)"
    )
    return sql, params


ENV_SQL = (
    "WITH env AS MATERIALIZED (SELECT %s::int AS z, e, m, b, ST_XMin(e) AS xmin, ST_YMin(e) AS ymin,"
    f" (ST_XMax(e) - ST_XMin(e)) / {CLUSTER_CELLS_PER_TILE} AS cell,"
    f" {SIMPLIFY_UNITS} * (ST_XMax(b) - ST_XMin(b)) / {EXTENT} AS tol"
    " FROM (SELECT ST_TileEnvelope(%s, %s, %s) AS e,"
    " ST_Transform(ST_TileEnvelope(%s, %s, %s, margin => %s), 4326) AS m,"
    " ST_Transform(ST_TileEnvelope(%s, %s, %s), 4326) AS b) AS envelopes)"
)


@lru_cache(maxsize=512)
def compile_tile_sql(layer_ids: tuple[str, ...], scope: str, clustered: tuple[bool, ...]) -> TileSql:
    """The statement for a tile of these layers (built once per shape, kept for the process)."""
    parts, params, tables = [], [], set()
    for layer_id, layer_clustered in zip(layer_ids, clustered, strict=True):
        layer = get_layer(layer_id)
        sql, layer_params = _layer_mvt_sql(layer, scope, layer_clustered)
        parts.append(sql)
        params += layer_params
        tables.update(layer_tables(layer))
    version_sql = f"(SELECT max(version) FROM {VERSION_TABLE} WHERE table_name = ANY(%s))"
    sql = f"{ENV_SQL} SELECT {' || '.join(parts)} AS tile, {version_sql} AS version"
    return TileSql(sql=sql, params=tuple(params) + (sorted(tables),))


def render_tile(layers: list[Layer], z: int, x: int, y: int, scope: str = PUBLIC) -> tuple[bytes, int]:
    """MVT bytes of these layers at z/x/y, and the data version they show (one database round trip)."""
    statement = compile_tile_sql(
        tuple(layer.id for layer in layers), scope, tuple(is_clustered(layer, z) for layer in layers)
    )
    return statement.execute(z, x, y)
