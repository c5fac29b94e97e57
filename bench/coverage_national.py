"""Benchmark: national coverage of the wells by all subdistricts at 1 km, cold and from the cache,
side by side with the obvious GeoPandas way, at scale 1 and scale 10.

  .venv/bin/python bench/coverage_national.py \
      --database-url postgres://gis_service:gis_service@127.0.0.1:5432/gis_cov_bench \
      --database-url postgres://gis_service:gis_service@127.0.0.1:5432/gis_cov_bench10 \
      --peer-python /work/peers-coverage/bin/python

Each database is measured in its own process (Django binds one database per process).
"Cold" = no cached result for these inputs (the per-subdistrict UTM table, derived once from the
boundaries like an index, is built beforehand and its build time is reported on its own).
"Cached" = the same request answered through the Django API view from the result cache.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
QUERY = "level=subdistrict&radius_m=1000&statuses=operational"


def measure_here(cached_repeats: int) -> dict:
    """Run inside a process whose DATABASE_URL is the database to measure."""
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis_service.settings")
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.db import connection
    from django.http import QueryDict
    from django.test import Client

    from gis_service.coverage import engine, jobs
    from gis_service.coverage.cache import result_key
    from gis_service.coverage.models import CoverageResult
    from gis_service.coverage.params import parse_params
    from gis_service.programmes.models import GroundwaterBank

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM coverage_metric_unit_state")
    started = time.monotonic()
    engine.ensure_metric_units()
    units_build_s = time.monotonic() - started

    # Planners see every site, published or not: the API answers a signed-in superuser that way.
    params = parse_params(QueryDict(QUERY), published_only=False)
    CoverageResult.objects.filter(kind__in=["base", "units"]).delete()
    started = time.monotonic()
    kind = jobs.KINDS["units"]
    result = jobs.compute_and_store(kind, params, result_key("units", params))
    cold_s = time.monotonic() - started
    report = json.loads(bytes(result.payload))

    user, _ = User.objects.get_or_create(username="coverage-bench", defaults={"is_superuser": True})
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    # The first request of a fresh process pays for imports and URL resolution; time it apart.
    started = time.monotonic()
    client.get(f"/api/coverage/units?{QUERY}")
    first_request_s = time.monotonic() - started
    timings = []
    for _ in range(cached_repeats):
        started = time.monotonic()
        response = client.get(f"/api/coverage/units?{QUERY}")
        timings.append(time.monotonic() - started)
        assert response.status_code == 200 and response["X-Coverage-Cache"] == "hit", response.status_code
    return {
        "wells": GroundwaterBank.objects.count(),
        "serving_wells": report["summary"]["area"]["serving_sites"],
        "subdistricts": report["summary"]["area"]["units"],
        "covered_km2": report["summary"]["area"]["covered_km2"],
        "units_build_s": units_build_s,
        "cold_s": cold_s,
        "cached_median_s": statistics.median(timings),
        "cached_max_s": max(timings),
        "first_request_s": first_request_s,
        "payload_bytes": len(bytes(result.payload)),
    }


def run_database(url: str, peer_python: str | None, cached_repeats: int) -> dict:
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING"}
    ours = subprocess.run([sys.executable, __file__, "--inner", "--cached-repeats", str(cached_repeats)],
                          env=env, capture_output=True, text=True, check=True, cwd=REPO)
    result = {"database": url.rsplit("/", 1)[-1], "ours": json.loads(ours.stdout.strip().splitlines()[-1])}
    if peer_python:
        peer = subprocess.run([peer_python, str(REPO / "bench" / "coverage_peer_geopandas.py"),
                               "--database-url", url, "--radius-m", "1000"],
                              capture_output=True, text=True, check=True, cwd=REPO)
        result["geopandas"] = json.loads(peer.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", action="append", default=[])
    parser.add_argument("--peer-python", default=None, help="Python of a venv with geopandas")
    parser.add_argument("--cached-repeats", type=int, default=20)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        print(json.dumps(measure_here(args.cached_repeats)))
        return
    with open("/proc/loadavg") as handle:
        load_before = handle.read().split()[:3]
    rows = [run_database(url, args.peer_python, args.cached_repeats) for url in args.database_url]
    print(f"load average before the run: {' '.join(load_before)} (2 cores shared with other work)")
    for row in rows:
        ours = row["ours"]
        print(f"\n{row['database']}: {ours['wells']:,} wells ({ours['serving_wells']:,} operational), "
              f"{ours['subdistricts']:,} subdistricts, covered {ours['covered_km2']:,.1f} km²")
        print(f"  UTM unit table build (once per boundary change): {ours['units_build_s']:.2f} s")
        print(f"  ours cold (compute + store):   {ours['cold_s']:.2f} s")
        print(f"  ours cached via API:           median {ours['cached_median_s'] * 1000:.1f} ms, "
              f"max {ours['cached_max_s'] * 1000:.1f} ms ({ours['payload_bytes'] / 1e6:.2f} MB JSON); "
              f"first request of the process {ours['first_request_s'] * 1000:.0f} ms")
        if "geopandas" in row:
            peer = row["geopandas"]
            total = peer["load_s"] + peer["compute_s"]
            print(f"  GeoPandas: load {peer['load_s']:.2f} s + compute {peer['compute_s']:.2f} s = {total:.2f} s, "
                  f"covered {peer['covered_km2']:,.1f} km²")
            print(f"  ratio GeoPandas total / ours cold: {total / ours['cold_s']:.1f}x; "
                  f"GeoPandas compute only / ours cold: {peer['compute_s'] / ours['cold_s']:.1f}x")
    print("\n" + json.dumps(rows))


if __name__ == "__main__":
    main()
