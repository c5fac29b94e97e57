"""Where to build next (greedy maximum coverage), repair priorities, and the distance-to-service raster."""
import io
import json
import math
from dataclasses import replace

import numpy as np
import rasterio
from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from rasterio.enums import Resampling
from rasterio.features import rasterize
from rasterio.transform import from_origin
from rasterio.warp import reproject
from rasterio.warp import transform as transform_points
from scipy.spatial import cKDTree

from gis_service.coverage import engine, population
from gis_service.coverage.params import CoverageParams
from gis_service.coverage.reports import (
    M2_PER_KM2,
    Progress,
    area_bounds,
    area_scope,
    cover_in_grid,
    grid_envelope,
    no_progress,
    site_selection,
    subdistrict_places,
)
from gis_service.geography import queries
from gis_service.geography.constants import WGS84
from gis_service.geography.constants import epsg as epsg_name

MAX_GRID_CELLS = 20_000_000
DISTANCE_NODATA = -1.0

AREA_GEOMETRY_SQL = """
SELECT ST_AsGeoJSON(ST_Transform(g, %(epsg)s), 2), ST_X(ST_Centroid(g)) FROM (
  SELECT ST_Union(geom) AS g FROM {table} WHERE {where}
) AS area
"""


def area_in_utm(params: CoverageParams) -> tuple[dict, int, tuple[float, float, float, float]]:
    """The area of interest (all Thailand when none) in its UTM zone: GeoJSON, EPSG code, bounds."""
    ids, clip = area_scope(params)
    if clip is not None:
        geom = GEOSGeometry(params.area_polygon, srid=WGS84)
        with connection.cursor() as cursor:
            cursor.execute("SELECT ST_AsEWKB(ST_Intersection(ST_GeomFromEWKB(%s), (SELECT ST_Union(geom) FROM "
                           f"{queries.table('province')} WHERE geom && ST_GeomFromEWKB(%s))))",
                           [clip, clip])
            geom = GEOSGeometry(memoryview(cursor.fetchone()[0]))
        table, where, sql_params = None, None, {}
    elif ids is not None:
        table, where = queries.table("subdistrict"), "code LIKE %(prefix)s"
        sql_params = {"prefix": params.area_code + "%"}
    else:
        table, where, sql_params = queries.table("province"), "TRUE", {}
    if table is None:
        epsg = queries.utm_srid(geom)
        utm = geom.transform(epsg, clone=True)
        return json.loads(utm.json), epsg, utm.extent
    with connection.cursor() as cursor:
        cursor.execute(AREA_GEOMETRY_SQL.format(table=table, where=where).replace("%(epsg)s", str(WGS84)), sql_params)
        _, centroid_lon = cursor.fetchone()
        epsg = queries.utm_srid(centroid_lon)
        cursor.execute(AREA_GEOMETRY_SQL.format(table=table, where=where), {**sql_params, "epsg": epsg})
        geometry = json.loads(cursor.fetchone()[0])
    extent = GEOSGeometry(json.dumps(geometry)).extent
    return geometry, epsg, extent


def utm_grid(params: CoverageParams) -> tuple[population.PopulationGrid, np.ndarray]:
    """A grid at the chosen resolution over the area in its UTM zone, and its land mask."""
    geometry, epsg, (x0, y0, x1, y1) = area_in_utm(params)
    res = params.resolution_m
    width, height = max(1, math.ceil((x1 - x0) / res)), max(1, math.ceil((y1 - y0) / res))
    if width * height > MAX_GRID_CELLS:
        from gis_service.coverage.errors import InvalidInput

        raise InvalidInput(f"{width * height:,} cells at {res:g} m is too many: choose a coarser resolution_m "
                           "or a smaller area.", field="resolution_m")
    transform = from_origin(x0, y1, res, res)
    grid = population.PopulationGrid(np.full((height, width), res * res / M2_PER_KM2), transform,
                                     rasterio.crs.CRS.from_epsg(epsg))
    land = rasterize([(geometry, 1)], out_shape=(height, width), transform=transform, fill=0, dtype="uint8").astype(
        bool
    )
    return grid, land


def demand_grid(params: CoverageParams) -> tuple[population.PopulationGrid, np.ndarray, str]:
    """What coverage should reach, per cell: people (with a raster) or km² of land; with the land mask and unit."""
    if not params.population:
        grid, land = utm_grid(params)
        grid.people = grid.people * land
        return grid, land, "km2"
    _, clip = area_scope(params)
    grid = population.read_population(params.population, area_bounds(params))
    if not _in_metres(grid):
        return _people_in_utm(grid, params) + ("people",)
    geometries = _area_geometries_in(grid, params, clip)
    land = population.zone_grid(geometries, grid) > 0
    grid.people = grid.people * land
    return grid, land, "people"


def _in_metres(grid: population.PopulationGrid) -> bool:
    """True for a projected grid whose unit is the metre (distances on it are metric)."""
    return grid.crs.is_projected and (grid.crs.linear_units or "").lower() in ("metre", "meter", "m")


def _people_in_utm(source: population.PopulationGrid, params: CoverageParams) -> tuple:
    """People moved onto the area's UTM grid, summing the source cells into each target cell."""
    grid, land = utm_grid(params)
    people = np.zeros(grid.shape, dtype="float64")
    if source.people.size:
        reproject(
            source.people,
            people,
            src_transform=source.transform,
            src_crs=source.crs,
            dst_transform=grid.transform,
            dst_crs=grid.crs,
            resampling=Resampling.sum,
        )
    grid.people = np.where(np.isfinite(people) & (people > 0), people, 0.0) * land
    return grid, land


def _area_geometries_in(grid: population.PopulationGrid, params: CoverageParams, clip: bytes | None) -> list[dict]:
    from gis_service.coverage.reports import unit_geometries_for

    level = {4: "province", 6: "district", 8: "subdistrict"}.get(len(params.area_code or ""), "province")
    return unit_geometries_for(grid, level, params.area_code or "", clip)[1]


def cell_centres(grid: population.PopulationGrid, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates (grid CRS) of cell centres."""
    xs, ys = rasterio.transform.xy(grid.transform, rows, cols, offset="center")
    return np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)


def disk_offsets(grid: population.PopulationGrid, radius_m: float) -> list[tuple[int, int]]:
    """Cell offsets whose centres lie within the radius of a cell centre (projected grids in metres)."""
    x_res, y_res = abs(grid.transform.a), abs(grid.transform.e)
    reach_x, reach_y = int(radius_m // x_res), int(radius_m // y_res)
    return [
        (dr, dc)
        for dr in range(-reach_y, reach_y + 1)
        for dc in range(-reach_x, reach_x + 1)
        if (dr * y_res) ** 2 + (dc * x_res) ** 2 <= radius_m**2
    ]


def _shifted_sum(values: np.ndarray, offsets: list[tuple[int, int]], out: np.ndarray) -> np.ndarray:
    """out[r, c] = sum of values[r + dr, c + dc] over the offsets (outside the grid counts as 0)."""
    out[:] = 0.0
    height, width = values.shape
    for dr, dc in offsets:
        r0, r1 = max(0, -dr), min(height, height - dr)
        c0, c1 = max(0, -dc), min(width, width - dc)
        if r0 < r1 and c0 < c1:
            out[r0:r1, c0:c1] += values[r0 + dr : r1 + dr, c0 + dc : c1 + dc]
    return out


def proposals(params: CoverageParams, progress: Progress = no_progress) -> dict:
    """N proposed sites, each adding the most people (or land) not yet within reach: greedy max coverage."""
    progress(0.05, "building the demand grid")
    grid, land, unit = demand_grid(params)
    ids, clip = area_scope(params)
    progress(0.3, "marking what serving sites already reach")
    covered = population.cover_mask(cover_in_grid(params, grid, grid_envelope(grid)), grid)
    uncovered = np.where(covered, 0.0, grid.people)
    offsets = disk_offsets(grid, params.radius_m)
    gains = _shifted_sum(uncovered, offsets, np.zeros_like(uncovered))
    reach = max(abs(dr) for dr, _ in offsets), max(abs(dc) for _, dc in offsets)
    picks = []
    for rank in range(1, params.count + 1):
        candidate = np.where(land, gains, -1.0)
        flat = int(np.argmax(candidate))
        row, col = divmod(flat, grid.shape[1])
        gain = float(candidate[row, col])
        if gain <= 0:
            break
        picks.append((rank, row, col, gain))
        for dr, dc in offsets:  # these cells are now within reach
            r, c = row + dr, col + dc
            if 0 <= r < grid.shape[0] and 0 <= c < grid.shape[1]:
                uncovered[r, c] = 0.0
        # Only candidates within two radii of the pick can have lost gain.
        r0, r1 = max(0, row - 2 * reach[0]), min(grid.shape[0], row + 2 * reach[0] + 1)
        c0, c1 = max(0, col - 2 * reach[1]), min(grid.shape[1], col + 2 * reach[1] + 1)
        w0, w1 = max(0, r0 - reach[0]), min(grid.shape[0], r1 + reach[0])
        v0, v1 = max(0, c0 - reach[1]), min(grid.shape[1], c1 + reach[1])
        local = _shifted_sum(uncovered[w0:w1, v0:v1], offsets, np.zeros((w1 - w0, v1 - v0)))
        gains[r0:r1, c0:c1] = local[r0 - w0 : r1 - w0, c0 - v0 : c1 - v0]
        progress(0.4 + 0.55 * rank / params.count, f"picked site {rank} of {params.count}")
    return _proposal_features(params, grid, picks, unit, float(grid.people.sum()), float(uncovered.sum()))


def _proposal_features(params, grid, picks, unit, total_demand, left_uncovered) -> dict:
    features, cumulative = [], 0.0
    if picks:
        xs, ys = cell_centres(grid, np.array([p[1] for p in picks]), np.array([p[2] for p in picks]))
        lons, lats = transform_points(grid.crs, epsg_name(WGS84), xs.tolist(), ys.tolist())
    # Who would build each proposed site: the LAO serving its point (geography/queries.py).
    laos = queries.responsible_laos(list(zip(lons, lats, strict=True))) if picks else []
    for (rank, _, _, gain), lon, lat, lao in zip(picks, *(([lons, lats, laos]) if picks else ([], [], [])),
                                                 strict=True):
        cumulative += gain
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
                "properties": {
                    "rank": rank,
                    f"marginal_gain_{unit}": round(gain, 3),
                    f"cumulative_gain_{unit}": round(cumulative, 3),
                    "lao": lao["code"] if lao else None,
                    "lao_name_th": lao["name_th"] if lao else None,
                    "lao_name_en": lao["name_en"] if lao else None,
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "name": "proposed_sites",
        "inputs": params.as_dict(),
        "gain_unit": unit,
        "total_demand": round(total_demand, 3),
        "uncovered_after": round(left_uncovered, 3),
        "features": features,
    }


def repairs(params: CoverageParams, progress: Progress = no_progress) -> dict:
    """Sites needing repair, ranked by the people (or land) that would regain access: no other site reaches them."""
    ids, clip = area_scope(params)
    progress(0.1, "measuring what each site needing repair alone reaches")
    rows = engine.repair_areas(site_selection(params), params.radius_m, ids, clip)
    for row in rows:
        row["reach_km2"] = round(row.pop("reach_m2") / M2_PER_KM2, 4)
        row["uncovered_km2"] = round(max(0.0, row["reach_km2"] - row.pop("covered_m2") / M2_PER_KM2), 4)
        row["people_regaining_access"] = None
    if params.population and rows:
        progress(0.5, "counting people only these sites reach")
        _repair_people(params, rows)
    key = "people_regaining_access" if params.population else "uncovered_km2"
    rows.sort(key=lambda r: (-(r[key] or 0), r["code"]))
    places = subdistrict_places()
    for rank, row in enumerate(rows, start=1):
        row["rank"] = rank
        row["subdistrict"] = places[row.pop("subdistrict_id")]["subdistrict"][0]
        row.pop("id")
    return {"inputs": params.as_dict(), "ranked_by": key, "sites": rows}


def _repair_people(params: CoverageParams, rows: list[dict]) -> None:
    grid, land, _ = demand_grid(params)
    serving = replace(params, statuses=tuple(s for s in params.statuses if s != "needs_repair"))
    covered = population.cover_mask(cover_in_grid(serving, grid, grid_envelope(grid)), grid)
    uncovered = np.where(covered, 0.0, grid.people)
    xs, ys = transform_points(epsg_name(WGS84), grid.crs, [r["lon"] for r in rows], [r["lat"] for r in rows])
    inverse = ~grid.transform
    for row, x, y in zip(rows, xs, ys, strict=True):
        col_f, row_f = inverse @ (x, y)
        r0, c0 = int(row_f), int(col_f)
        span = int(params.radius_m // min(abs(grid.transform.a), abs(grid.transform.e))) + 1
        rr, cc = np.mgrid[
            max(0, r0 - span) : min(grid.shape[0], r0 + span + 1), max(0, c0 - span) : min(grid.shape[1], c0 + span + 1)
        ]
        if rr.size == 0:
            continue
        cx, cy = cell_centres(grid, rr.ravel(), cc.ravel())
        near = (cx - x) ** 2 + (cy - y) ** 2 <= params.radius_m**2
        row["people_regaining_access"] = round(float(uncovered[rr.ravel()[near], cc.ravel()[near]].sum()), 2)


def distance_geotiff(params: CoverageParams, progress: Progress = no_progress) -> bytes:
    """A GeoTIFF (UTM, Float32, metres) of the distance from each land cell to the nearest serving site."""
    progress(0.05, "building the grid")
    grid, land = utm_grid(params)
    sites = site_selection(params)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ST_X(p), ST_Y(p) FROM (SELECT ST_Transform(s.geom, %s) AS p FROM {sites.table} s "
            f"WHERE s.status = ANY(%s) {sites.published_sql}) AS projected",
            [grid.epsg, list(sites.statuses)],
        )
        points = np.array(cursor.fetchall(), dtype=float).reshape(-1, 2)
    progress(0.3, "measuring distances")
    distance = np.full(grid.shape, DISTANCE_NODATA, dtype="float32")
    rows, cols = np.nonzero(land)
    if len(points) and len(rows):
        xs, ys = cell_centres(grid, rows, cols)
        nearest_m, _ = cKDTree(points).query(np.column_stack([xs, ys]), k=1)
        distance[rows, cols] = nearest_m.astype("float32")
    buffer = io.BytesIO()
    profile = {
        "driver": "GTiff",
        "height": grid.shape[0],
        "width": grid.shape[1],
        "count": 1,
        "dtype": "float32",
        "crs": grid.crs,
        "transform": grid.transform,
        "nodata": DISTANCE_NODATA,
        "compress": "deflate",
        "tiled": True,
        "blockxsize": 256,
        "blockysize": 256,
    }
    with rasterio.MemoryFile() as memfile:
        with memfile.open(**profile) as dataset:
            dataset.write(distance, 1)
            dataset.update_tags(
                units="metres",
                layer=params.layer,
                radius_m=str(params.radius_m),
                statuses=",".join(params.statuses),
                description="distance to nearest serving site",
            )
        buffer.write(memfile.read())
    progress(1.0, "done")
    return buffer.getvalue()
