"""The obvious way, for comparison: GeoPandas/shapely buffers, dissolve and overlay in Python.

Run with the peers venv (geopandas is not a project dependency):
  /work/peers-coverage/bin/python bench/coverage_peer_geopandas.py --database-url postgres://... --radius-m 1000
Prints one JSON line: load and compute seconds, and the national covered area.
"""
import argparse
import json
import time

import geopandas as gpd
import pandas as pd
import psycopg2
import shapely


def load(url: str) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Operational wells and all subdistricts, read from PostGIS as WKB."""
    with psycopg2.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT ST_AsBinary(geom) FROM programmes_groundwaterbank WHERE status = 'operational'")
        wells = gpd.GeoDataFrame(geometry=shapely.from_wkb([bytes(r[0]) for r in cursor.fetchall()]), crs=4326)
        cursor.execute("SELECT code, ST_AsBinary(geom) FROM geography_subdistrict")
        rows = cursor.fetchall()
    subdistricts = gpd.GeoDataFrame({"code": [r[0] for r in rows]},
                                    geometry=shapely.from_wkb([bytes(r[1]) for r in rows]), crs=4326)
    return wells, subdistricts


def covered_by_subdistrict(wells: gpd.GeoDataFrame, subdistricts: gpd.GeoDataFrame, radius_m: float) -> pd.Series:
    """Covered m² per subdistrict: buffer in UTM, dissolve the circles, overlay with the subdistricts."""
    zone = subdistricts.geometry.representative_point().x.lt(102).map({True: 32647, False: 32648})
    parts = []
    for epsg, units in subdistricts.groupby(zone):
        units_utm = units.to_crs(epsg)
        circles = wells.to_crs(epsg).buffer(radius_m, quad_segs=16)
        # Exploding the dissolved circles into one polygon per cluster lets overlay use its spatial
        # index; overlaying against one national multipolygon instead ran for minutes (see BENCHMARKS.md).
        cover = gpd.GeoDataFrame(geometry=[circles.union_all()], crs=epsg).explode(index_parts=False)
        pieces = gpd.overlay(units_utm, cover, how="intersection", keep_geom_type=True)
        parts.append(pieces.assign(covered_m2=pieces.area).groupby("code")["covered_m2"].sum())
    return pd.concat(parts)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--radius-m", type=float, default=1000.0)
    args = parser.parse_args()
    started = time.monotonic()
    wells, subdistricts = load(args.database_url)
    loaded = time.monotonic()
    covered = covered_by_subdistrict(wells, subdistricts, args.radius_m)
    done = time.monotonic()
    print(json.dumps({"wells": len(wells), "subdistricts": len(subdistricts), "load_s": loaded - started,
                      "compute_s": done - loaded, "covered_km2": float(covered.sum()) / 1e6}))


if __name__ == "__main__":
    main()
