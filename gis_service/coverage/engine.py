"""Area coverage in PostGIS: service circles in UTM, merged into disjoint cover pieces, clipped per subdistrict.

Every area is measured in metres in the unit's UTM zone (47N west of 102°E, 48N east of it).
Circles are drawn once per zone and merged within 20 km tiles, so the pieces never overlap and a
unit's covered area is a plain sum of its clipped pieces.
"""
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction

from gis_service.coverage.sources import boundaries_fingerprint
from gis_service.geography import queries
from gis_service.geography.constants import WGS84

# 16 segments per quarter circle: the polygon's area is 0.16 % below the true circle's.
QUAD_SEGS = 16
TILE_M = 20_000
# A degree of longitude is about 104 km at 21°N, Thailand's northern tip; smaller further south.
METRES_PER_DEGREE_MIN = 104_000.0
# National runs split the tiles between this many database connections (the machine's cores).
PARALLEL_PARTS = int(os.environ.get("COVERAGE_PARALLEL_PARTS", "2"))
# A site near the zone boundary may serve places in either zone: it is projected into both up to this far.
ZONE_OVERLAP_DEG = 1.0
ZONES_SQL = queries.utm_zones_sql(ZONE_OVERLAP_DEG)

BUILD_UNITS_SQL = f"""
DELETE FROM coverage_metric_unit;
INSERT INTO coverage_metric_unit (subdistrict_id, srid, area_m2, geom_utm, geom)
SELECT id, srid, ST_Area(g), ST_SetSRID(g, 0), geom
FROM (SELECT id, geom, srid, ST_Transform(geom, srid) AS g
      FROM (SELECT id, geom, {queries.utm_srid_sql('ST_X(ST_PointOnSurface(geom))')} AS srid
            FROM {queries.table('subdistrict')}) AS zoned) AS projected;
ANALYZE coverage_metric_unit;
"""

# JIT is switched off: generate_series' default row estimate makes the planner compile each query
# for about a second, far longer than the query itself runs.
# Sites are projected into each zone they may serve (1° either side of 102°E). Each 20 km tile buffers
# the multipoint of the sites whose circles touch it (GEOS merges the circles while buffering, about
# twice as fast as unioning circle polygons) and keeps the part inside the tile: pieces never overlap.
# MATERIALIZED: inlined, each geometry expression would be evaluated once per reference.
COVER_SQL = f"""
SET LOCAL jit = off;
DROP TABLE IF EXISTS pg_temp.coverage_cover;
CREATE TEMP TABLE coverage_cover ON COMMIT DROP AS
WITH zsites AS (
  SELECT z.srid, ST_Transform(s.geom, z.srid) AS g
  FROM {{table}} s JOIN {ZONES_SQL} ON ST_X(s.geom) >= z.lon_min AND ST_X(s.geom) < z.lon_max
  WHERE s.status = ANY(%(statuses)s) {{published}} {{reach}}
), tiled AS (
  SELECT s.srid, tx, ty, s.g
  FROM zsites s,
       generate_series(floor((ST_X(s.g) - %(radius_m)s) / {TILE_M})::int,
                       floor((ST_X(s.g) + %(radius_m)s) / {TILE_M})::int) AS tx,
       generate_series(floor((ST_Y(s.g) - %(radius_m)s) / {TILE_M})::int,
                       floor((ST_Y(s.g) + %(radius_m)s) / {TILE_M})::int) AS ty
  WHERE mod(mod(tx + ty, %(parts)s) + %(parts)s, %(parts)s) = %(part)s
), merged AS MATERIALIZED (
  SELECT srid, tx, ty, ST_Buffer(ST_Collect(g), %(radius_m)s, {QUAD_SEGS}) AS circles
  FROM tiled GROUP BY srid, tx, ty
), clipped AS MATERIALIZED (
  SELECT srid, CASE WHEN circles @ tile THEN circles
                    ELSE ST_CollectionExtract(ST_Intersection(circles, tile), 3) END AS cover
  FROM (SELECT srid, circles,
               ST_MakeEnvelope(tx * {TILE_M}, ty * {TILE_M}, (tx + 1) * {TILE_M}, (ty + 1) * {TILE_M}, srid) AS tile
        FROM merged) AS framed
)
SELECT srid, ST_SetSRID(ST_Subdivide(cover, 256), 0) AS piece FROM clipped WHERE NOT ST_IsEmpty(cover);
CREATE INDEX ON coverage_cover USING gist (piece);
ANALYZE coverage_cover;
"""

# Units as measured: the whole subdistrict, or its part inside a polygon area of interest.
UNITS_WHOLE_SQL = """
SELECT u.subdistrict_id, u.srid, u.geom_utm AS g, u.area_m2
FROM coverage_metric_unit u WHERE %(ids)s::bigint[] IS NULL OR u.subdistrict_id = ANY(%(ids)s::bigint[])
"""
UNITS_CLIPPED_SQL = """
SELECT subdistrict_id, srid, g, ST_Area(g) AS area_m2 FROM (
  SELECT u.subdistrict_id, u.srid,
         ST_CollectionExtract(ST_Intersection(u.geom_utm, ST_SetSRID(ST_Transform(a.geom, u.srid), 0)), 3) AS g
  FROM coverage_metric_unit u, (SELECT ST_GeomFromEWKB(%(aoi)s) AS geom) AS a
  WHERE u.geom && a.geom AND ST_Intersects(u.geom, a.geom)
) AS clipped WHERE NOT ST_IsEmpty(g)
"""

COVERED_SQL = """
WITH units AS MATERIALIZED ({units})
SELECT u.subdistrict_id, u.area_m2,
       coalesce(sum(ST_Area(ST_Intersection(u.g, c.piece))), 0) AS covered_m2
FROM units u LEFT JOIN coverage_cover c ON c.srid = u.srid AND c.piece && u.g
GROUP BY u.subdistrict_id, u.area_m2
"""

GAPS_SQL = f"""
WITH units AS MATERIALIZED ({{units}})
SELECT subdistrict_id, ST_Area(gap), ST_AsGeoJSON(ST_Transform(ST_SetSRID(gap, srid), {WGS84}), 6)
FROM (
  SELECT u.subdistrict_id, u.srid,
         ST_CollectionExtract(coalesce(ST_Difference(u.g, (
             SELECT ST_Union(c.piece) FROM coverage_cover c WHERE c.srid = u.srid AND c.piece && u.g)), u.g), 3) AS gap
  FROM units u
) AS gaps
WHERE NOT ST_IsEmpty(gap) AND ST_Area(gap) > %(min_gap_m2)s
"""

# The land a site needing repair reaches, and how much of it a serving site already covers.
REPAIR_AREA_SQL = """
WITH repair AS (
  SELECT s.id, s.code, s.name_th, s.name_en, s.subdistrict_id, s.geom
  FROM {table} s WHERE s.status = 'needs_repair' {published} {within}
), reach AS (
  SELECT r.id, u.srid,
         ST_CollectionExtract(ST_Intersection(u.geom_utm,
             ST_SetSRID(ST_Buffer(ST_Transform(r.geom, u.srid), %(radius_m)s, {quad_segs}), 0)), 3) AS g
  FROM repair r JOIN coverage_metric_unit u ON u.geom && ST_Expand(r.geom, %(reach_deg)s)
)
SELECT r.id, r.code, r.name_th, r.name_en, r.subdistrict_id, ST_X(r.geom), ST_Y(r.geom),
       coalesce(sum(ST_Area(x.g)), 0) AS reach_m2,
       coalesce(sum((SELECT sum(ST_Area(ST_Intersection(x.g, c.piece))) FROM coverage_cover c
                     WHERE c.srid = x.srid AND c.piece && x.g)), 0) AS covered_m2
FROM repair r LEFT JOIN reach x ON x.id = r.id AND NOT ST_IsEmpty(x.g)
GROUP BY r.id, r.code, r.name_th, r.name_en, r.subdistrict_id, r.geom
"""

SITES_PER_UNIT_SQL = """
SELECT s.subdistrict_id, count(*) FROM {table} s
WHERE s.status = ANY(%(statuses)s) {published} {within} GROUP BY s.subdistrict_id
"""


@dataclass(frozen=True)
class SiteSelection:
    """Which sites serve: the layer's table, the serving statuses, and whether only published ones count."""

    table: str
    statuses: tuple[str, ...]
    published_only: bool

    @property
    def published_sql(self) -> str:
        return "AND s.published" if self.published_only else ""


@dataclass(frozen=True)
class UnitArea:
    """One subdistrict's (or its clipped part's) land area and the area within reach of a serving site."""

    subdistrict_id: int
    area_m2: float
    covered_m2: float
    serving_sites: int


def reach_degrees(radius_m: float) -> float:
    """A margin in degrees that is never shorter than the radius anywhere in Thailand."""
    return radius_m / METRES_PER_DEGREE_MIN * 1.01


def ensure_metric_units() -> None:
    """Build the UTM copies of the subdistricts when the boundaries changed since the last build."""
    fingerprint = boundaries_fingerprint()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT fingerprint FROM coverage_metric_unit_state WHERE id = 1")
        row = cursor.fetchone()
        if row and row[0] == fingerprint:
            return
        # One builder at a time; the others wait here and then find the table built.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('coverage_metric_unit'))")
        cursor.execute("SELECT fingerprint FROM coverage_metric_unit_state WHERE id = 1")
        row = cursor.fetchone()
        if row and row[0] == fingerprint:
            return
        cursor.execute(BUILD_UNITS_SQL)
        cursor.execute(
            "INSERT INTO coverage_metric_unit_state (id, fingerprint) VALUES (1, %s) "
            "ON CONFLICT (id) DO UPDATE SET fingerprint = EXCLUDED.fingerprint",
            [fingerprint],
        )


def build_cover(
    cursor, sites: SiteSelection, radius_m: float, aoi_ewkb: bytes | None = None, part: int = 0, parts: int = 1
) -> None:
    """Create the temporary table of disjoint cover pieces (UTM, SRID 0) for this transaction.

    With parts > 1 only the tiles of one part (a checkerboard share) are built: the parts' pieces
    are disjoint, so per-unit sums over the parts add up to the whole.
    """
    reach = ""
    params = {"statuses": list(sites.statuses), "radius_m": radius_m, "part": part, "parts": parts}
    if aoi_ewkb is not None:
        # Only sites that can reach the area matter; the margin is generous, the clip exact.
        reach = "AND s.geom && ST_Expand(ST_Envelope(ST_GeomFromEWKB(%(aoi)s)), %(reach_deg)s)"
        params.update(aoi=aoi_ewkb, reach_deg=reach_degrees(radius_m))
    cursor.execute(COVER_SQL.format(table=sites.table, published=sites.published_sql, reach=reach), params)


@contextmanager
def cover(
    sites: SiteSelection, radius_m: float, aoi_ewkb: bytes | None = None, part: int = 0, parts: int = 1
) -> Iterator:
    """A cursor in a transaction holding the cover pieces of these sites (limited to those reaching the area)."""
    ensure_metric_units()
    with transaction.atomic(), connection.cursor() as cursor:
        build_cover(cursor, sites, radius_m, aoi_ewkb, part, parts)
        yield cursor


def units_sql(subdistrict_ids: list[int] | None, clip_ewkb: bytes | None) -> tuple[str, dict]:
    """SQL (and its parameters) of the measured units: whole subdistricts, or their parts in a polygon."""
    if clip_ewkb is not None:
        return UNITS_CLIPPED_SQL, {"aoi": clip_ewkb}
    return UNITS_WHOLE_SQL, {"ids": subdistrict_ids}


def reach_area(subdistrict_ids: list[int] | None, clip_ewkb: bytes | None) -> bytes | None:
    """The area whose reachable sites matter: the polygon, the subdistricts' extent, or all (None)."""
    return clip_ewkb if clip_ewkb is not None else _envelope_of(subdistrict_ids)


def covered_areas(
    cursor, sites: SiteSelection, subdistrict_ids: list[int] | None, clip_ewkb: bytes | None
) -> list[UnitArea]:
    """Land and covered area of each unit, measured against the cover built on this cursor."""
    sql, params = units_sql(subdistrict_ids, clip_ewkb)
    cursor.execute(COVERED_SQL.format(units=sql), params)
    rows = cursor.fetchall()
    counts = serving_site_counts(sites, clip_ewkb)
    return [UnitArea(sid, area, min(covered, area), counts.get(sid, 0)) for sid, area, covered in rows]


def unit_areas(
    sites: SiteSelection, radius_m: float, subdistrict_ids: list[int] | None = None, clip_ewkb: bytes | None = None
) -> list[UnitArea]:
    """Land and covered area of each subdistrict (all, some, or their parts inside a polygon)."""
    parts = PARALLEL_PARTS
    if parts <= 1 or connection.in_atomic_block or subdistrict_ids is not None or clip_ewkb is not None:
        # Other connections cannot see this transaction's writes, and small areas gain nothing.
        with cover(sites, radius_m, reach_area(subdistrict_ids, clip_ewkb)) as cursor:
            return covered_areas(cursor, sites, subdistrict_ids, clip_ewkb)
    ensure_metric_units()
    with ThreadPoolExecutor(max_workers=parts) as pool:
        shares = list(pool.map(lambda part: _covered_share(sites, radius_m, part, parts), range(parts)))
    counts = serving_site_counts(sites)
    return [
        UnitArea(sid, area, min(sum(share[sid][1] for share in shares), area), counts.get(sid, 0))
        for sid, (area, _) in shares[0].items()
    ]


def _covered_share(sites: SiteSelection, radius_m: float, part: int, parts: int) -> dict[int, tuple[float, float]]:
    """One part's covered area per subdistrict, on this thread's own connection (closed at the end)."""
    try:
        with cover(sites, radius_m, None, part, parts) as cursor:
            cursor.execute(COVERED_SQL.format(units=UNITS_WHOLE_SQL), {"ids": None})
            return {sid: (area, covered) for sid, area, covered in cursor.fetchall()}
    finally:
        connection.close()


def cover_geojson(cursor, epsg: int | None, bbox_lonlat: tuple[float, float, float, float]) -> list[str]:
    """The cover pieces inside a lon/lat box, as GeoJSON in EPSG:epsg (lon/lat when None)."""
    cursor.execute(
        "SELECT ST_AsGeoJSON(ST_Transform(ST_SetSRID(piece, srid), %(epsg)s), 3) FROM coverage_cover "
        f"WHERE ST_Transform(ST_SetSRID(ST_Envelope(piece), srid), {WGS84})"
        f" && ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, {WGS84})",
        {"epsg": epsg or WGS84, "x0": bbox_lonlat[0], "y0": bbox_lonlat[1], "x1": bbox_lonlat[2], "y1": bbox_lonlat[3]},
    )
    return [row[0] for row in cursor.fetchall()]


def serving_site_counts(sites: SiteSelection, clip_ewkb: bytes | None = None) -> dict[int, int]:
    """Serving sites located in each subdistrict (inside the polygon, when one is given)."""
    within, params = "", {"statuses": list(sites.statuses)}
    if clip_ewkb is not None:
        within, params["aoi"] = "AND ST_Intersects(s.geom, ST_GeomFromEWKB(%(aoi)s))", clip_ewkb
    with connection.cursor() as cursor:
        cursor.execute(
            SITES_PER_UNIT_SQL.format(table=sites.table, published=sites.published_sql, within=within), params
        )
        return dict(cursor.fetchall())


def _envelope_of(subdistrict_ids: list[int] | None) -> bytes | None:
    """The extent of some subdistricts (EWKB), to limit the sites considered; None for all."""
    if subdistrict_ids is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ST_AsEWKB(ST_SetSRID(ST_Extent(geom)::geometry, {WGS84})) FROM {queries.table('subdistrict')}"
            " WHERE id = ANY(%s)",
            [subdistrict_ids],
        )
        envelope = cursor.fetchone()[0]
    return bytes(envelope) if envelope is not None else None


def unit_gaps(
    sites: SiteSelection,
    radius_m: float,
    subdistrict_ids: list[int] | None,
    clip_ewkb: bytes | None,
    min_gap_m2: float = 0.0,
) -> list[tuple[int, float, str]]:
    """Uncovered land per unit: (subdistrict id, uncovered m², GeoJSON geometry in lon/lat)."""
    sql, params = units_sql(subdistrict_ids, clip_ewkb)
    params["min_gap_m2"] = min_gap_m2
    with cover(sites, radius_m, reach_area(subdistrict_ids, clip_ewkb)) as cursor:
        cursor.execute(GAPS_SQL.format(units=sql), params)
        return cursor.fetchall()


def repair_areas(
    sites: SiteSelection, radius_m: float, subdistrict_ids: list[int] | None, clip_ewkb: bytes | None
) -> list[dict]:
    """For each site needing repair: the land it reaches and how much of that no serving site covers."""
    serving = SiteSelection(sites.table, tuple(s for s in sites.statuses if s != "needs_repair"), sites.published_only)
    within, params = "", {"radius_m": radius_m, "reach_deg": reach_degrees(radius_m)}
    if clip_ewkb is not None:
        within, params["aoi"] = "AND ST_Intersects(s.geom, ST_GeomFromEWKB(%(aoi)s))", clip_ewkb
    elif subdistrict_ids is not None:
        within, params["ids"] = "AND s.subdistrict_id = ANY(%(ids)s::bigint[])", subdistrict_ids
    sql = REPAIR_AREA_SQL.format(table=sites.table, published=sites.published_sql, within=within, quad_segs=QUAD_SEGS)
    with cover(serving, radius_m, _expanded(reach_area(subdistrict_ids, clip_ewkb), radius_m)) as cursor:
        cursor.execute(sql, params)
        columns = ["id", "code", "name_th", "name_en", "subdistrict_id", "lon", "lat", "reach_m2", "covered_m2"]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]


def _expanded(ewkb: bytes | None, radius_m: float) -> bytes | None:
    """An area grown by one radius, so sites covering the reach of repair sites at its edge count."""
    if ewkb is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_AsEWKB(ST_Expand(ST_Envelope(ST_GeomFromEWKB(%s)), %s))", [ewkb, reach_degrees(radius_m)]
        )
        return bytes(cursor.fetchone()[0])
