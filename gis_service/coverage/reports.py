"""Coverage by administrative unit, gaps and repair priorities, assembled from the engine's measurements."""
import json
import time
from collections.abc import Callable

from django.contrib.gis.geos import GEOSGeometry
from django.db import connection

from gis_service.coverage import cache, engine, population
from gis_service.coverage.params import LEVELS, CoverageParams
from gis_service.coverage.sources import get_site_layer
from gis_service.geography.constants import WGS84

Progress = Callable[[float, str], None]
M2_PER_KM2 = 1e6


def no_progress(share: float, message: str) -> None:
    """A progress callback that does nothing."""


def site_selection(params: CoverageParams) -> engine.SiteSelection:
    """The serving sites the inputs select."""
    return engine.SiteSelection(get_site_layer(params.layer).table, params.statuses, params.published_only)


def area_scope(params: CoverageParams) -> tuple[list[int] | None, bytes | None]:
    """(subdistrict ids of an admin-code area, or None) and (EWKB of a polygon area, or None)."""
    if params.area_polygon:
        return None, bytes(GEOSGeometry(params.area_polygon, srid=WGS84).ewkb)
    if params.area_code:
        from gis_service.geography.models import Subdistrict

        ids = list(Subdistrict.objects.filter(code__startswith=params.area_code).values_list("id", flat=True))
        return ids, None
    return None, None


def national_base(params: CoverageParams) -> dict[int, tuple[float, float, int]]:
    """Land m², covered m² and serving sites of every subdistrict, cached (it serves every area and level)."""
    base_params = CoverageParams(layer=params.layer, radius_m=params.radius_m, statuses=params.statuses,
                                 published_only=params.published_only)
    key = cache.result_key("base", base_params)
    hit = cache.lookup(key)
    if hit is None:
        started = time.monotonic()
        rows = engine.unit_areas(site_selection(base_params), base_params.radius_m)
        payload = json.dumps([[r.subdistrict_id, r.area_m2, r.covered_m2, r.serving_sites] for r in rows]).encode()
        hit = cache.store(key, "base", base_params, "application/json", payload, time.monotonic() - started)
    return {sid: (area, covered, sites) for sid, area, covered, sites in json.loads(bytes(hit.payload))}


def base_is_cached(params: CoverageParams) -> bool:
    """True when the national per-subdistrict measurement for these inputs is in the cache."""
    base_params = CoverageParams(layer=params.layer, radius_m=params.radius_m, statuses=params.statuses,
                                 published_only=params.published_only)
    return cache.lookup(cache.result_key("base", base_params)) is not None


def subdistrict_places() -> dict[int, dict]:
    """Every subdistrict's code and names with its district's and province's."""
    from gis_service.geography.models import Subdistrict

    rows = Subdistrict.objects.values_list(
        "id", "code", "name_th", "name_en", "district__code", "district__name_th", "district__name_en",
        "province__code", "province__name_th", "province__name_en",
    )
    return {
        r[0]: {"subdistrict": r[1:4], "district": r[4:7], "province": r[7:10]} for r in rows
    }


def _summary(rows: list[dict], with_population: bool) -> dict:
    area_km2 = sum(r["area_km2"] for r in rows)
    covered_km2 = sum(r["covered_km2"] for r in rows)
    sites = sum(r["serving_sites"] for r in rows)
    summary = {
        "units": len(rows), "serving_sites": sites, "area_km2": round(area_km2, 3),
        "covered_km2": round(covered_km2, 3), "uncovered_km2": round(area_km2 - covered_km2, 3),
        "covered_share": round(covered_km2 / area_km2, 6) if area_km2 else None,
        "sites_per_100km2": round(100 * sites / area_km2, 4) if area_km2 else None,
    }
    if with_population:
        people = sum(r["population"] or 0 for r in rows)
        reached = sum(r["covered_population"] or 0 for r in rows)
        summary.update(population=round(people, 1), covered_population=round(reached, 1),
                       uncovered_population=round(people - reached, 1),
                       population_covered_share=round(reached / people, 6) if people else None)
    return summary


def _aggregate(measures: dict[int, tuple[float, float, int]], level: str, places: dict[int, dict]) -> dict[str, dict]:
    units: dict[str, dict] = {}
    for sid, (area_m2, covered_m2, sites) in measures.items():
        code, name_th, name_en = places[sid][level]
        unit = units.setdefault(code, {"code": code, "name_th": name_th, "name_en": name_en, "level": level,
                                       "area_m2": 0.0, "covered_m2": 0.0, "serving_sites": 0})
        unit["area_m2"] += area_m2
        unit["covered_m2"] += covered_m2
        unit["serving_sites"] += sites
    return units


def _finish(unit: dict) -> dict:
    area_km2, covered_km2 = unit.pop("area_m2") / M2_PER_KM2, unit.pop("covered_m2") / M2_PER_KM2
    unit.update(
        area_km2=round(area_km2, 4), covered_km2=round(covered_km2, 4), uncovered_km2=round(area_km2 - covered_km2, 4),
        covered_share=round(covered_km2 / area_km2, 6) if area_km2 else None,
        sites_per_100km2=round(100 * unit["serving_sites"] / area_km2, 4) if area_km2 else None,
    )
    return unit


def units_report(params: CoverageParams, progress: Progress = no_progress) -> dict:
    """Per-unit coverage (least covered first) with summaries for the area and the nation."""
    progress(0.05, "measuring coverage of every subdistrict")
    base = national_base(params)
    ids, clip = area_scope(params)
    progress(0.5, "aggregating by unit")
    if clip is not None:
        measured = {r.subdistrict_id: (r.area_m2, r.covered_m2, r.serving_sites)
                    for r in engine.unit_areas(site_selection(params), params.radius_m, None, clip)}
    elif ids is not None:
        measured = {sid: base[sid] for sid in ids if sid in base}
    else:
        measured = base
    places = subdistrict_places()
    units = [_finish(u) for u in _aggregate(measured, params.level, places).values()]
    with_population = bool(params.population)
    if with_population:
        progress(0.6, "counting people within reach")
        _add_population(units, params, clip)
    key = "population_covered_share" if with_population else "covered_share"
    units.sort(key=lambda u: (u.get(key) is None, u.get(key) if u.get(key) is not None else 0, u["code"]))
    nation = [_finish(u) for u in _aggregate(base, "province", places).values()]
    progress(0.95, "summarising")
    return {
        "inputs": params.as_dict(),
        "summary": {"area": _summary(units, with_population), "nation": _summary(nation, False)},
        "units": units,
    }


UNITS_FOR_RASTER_SQL = f"""
SELECT code, ST_AsGeoJSON(ST_Transform(g, %(epsg)s), 3) FROM (
  SELECT code, {{geometry}} AS g FROM {{table}}
  WHERE geom && ST_MakeEnvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, {WGS84}) AND code LIKE %(prefix)s {{clip_filter}}
) AS units WHERE NOT ST_IsEmpty(g)
"""


def unit_geometries_for(grid: population.PopulationGrid, level: str, code_prefix: str,
                        clip_ewkb: bytes | None) -> tuple[list[str], list[dict]]:
    """Codes and geometries (in the grid's CRS) of the units at a level that overlap the grid."""
    x0, y0, x1, y1 = grid.bounds_lonlat()
    geometry, clip_filter = "geom", ""
    params = {"epsg": grid.epsg or WGS84, "x0": x0, "y0": y0, "x1": x1, "y1": y1, "prefix": code_prefix + "%"}
    if clip_ewkb is not None:
        geometry = "ST_CollectionExtract(ST_Intersection(geom, ST_GeomFromEWKB(%(aoi)s)), 3)"
        clip_filter = "AND ST_Intersects(geom, ST_GeomFromEWKB(%(aoi)s))"
        params["aoi"] = clip_ewkb
    sql = UNITS_FOR_RASTER_SQL.format(geometry=geometry, table=LEVELS[level]._meta.db_table, clip_filter=clip_filter)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    geometries = [json.loads(text) for _, text in rows]
    if grid.epsg is None:
        geometries = population.to_grid_crs(geometries, grid)
    return [code for code, _ in rows], geometries


def cover_in_grid(params: CoverageParams, grid: population.PopulationGrid, reach_ewkb: bytes | None) -> list[dict]:
    """The cover pieces over a grid, in the grid's CRS."""
    with engine.cover(site_selection(params), params.radius_m, reach_ewkb) as cursor:
        pieces = [json.loads(text) for text in engine.cover_geojson(cursor, grid.epsg, grid.bounds_lonlat())]
    return pieces if grid.epsg else population.to_grid_crs(pieces, grid)


def _add_population(units: list[dict], params: CoverageParams, clip: bytes | None) -> None:
    grid = population.read_population(params.population, area_bounds(params))
    codes, geometries = unit_geometries_for(grid, params.level, params.area_code or "", clip)
    zones = population.zone_grid(geometries, grid)
    covered = population.cover_mask(cover_in_grid(params, grid, grid_envelope(grid)), grid)
    people, reached = population.people_by_zone(zones, grid, covered, len(codes))
    by_code = {code: (people[i + 1], reached[i + 1]) for i, code in enumerate(codes)}
    for unit in units:
        if unit["code"] in by_code:
            total, within = by_code[unit["code"]]
            unit.update(population=round(float(total), 2), covered_population=round(float(within), 2),
                        uncovered_population=round(float(total - within), 2),
                        population_covered_share=round(float(within / total), 6) if total > 0 else None)
        else:
            unit.update(population=None, covered_population=None, uncovered_population=None,
                        population_covered_share=None)


def area_bounds(params: CoverageParams) -> tuple[float, float, float, float] | None:
    """The lon/lat extent of the area of interest (None: everywhere)."""
    ids, clip = area_scope(params)
    if clip is not None:
        return GEOSGeometry(params.area_polygon).extent
    if ids is None:
        return None
    envelope = engine._envelope_of(ids)
    return GEOSGeometry(memoryview(envelope)).extent if envelope else None


def grid_envelope(grid: population.PopulationGrid) -> bytes:
    """A grid's lon/lat extent as EWKB (the area whose reachable sites matter for it)."""
    from django.contrib.gis.geos import Polygon

    return bytes(Polygon.from_bbox(grid.bounds_lonlat()).ewkb)


def gaps_geojson(params: CoverageParams, progress: Progress = no_progress) -> dict:
    """Uncovered land of each unit as a GeoJSON FeatureCollection (subdistrict parts)."""
    ids, clip = area_scope(params)
    progress(0.1, "cutting the reach of serving sites out of each subdistrict")
    rows = engine.unit_gaps(site_selection(params), params.radius_m, ids, clip)
    places = subdistrict_places()
    features = []
    for sid, gap_m2, geometry in rows:
        code, name_th, name_en = places[sid]["subdistrict"]
        features.append({
            "type": "Feature", "geometry": json.loads(geometry),
            "properties": {"code": code, "name_th": name_th, "name_en": name_en,
                           "district": places[sid]["district"][0], "province": places[sid]["province"][0],
                           "uncovered_km2": round(gap_m2 / M2_PER_KM2, 4)},
        })
    return {"type": "FeatureCollection", "name": "coverage_gaps", "inputs": params.as_dict(), "features": features}


CSV_COLUMNS = ["code", "name_th", "name_en", "level", "serving_sites", "area_km2", "covered_km2", "uncovered_km2",
               "covered_share", "sites_per_100km2", "population", "covered_population", "uncovered_population",
               "population_covered_share"]


def units_csv(report: dict) -> str:
    """The per-unit table of a units report as CSV (UTF-8, one row per unit, least covered first)."""
    import csv
    import io

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(report["units"])
    return buffer.getvalue()
