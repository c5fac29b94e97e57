"""Time the boundary load, the LAO register and the national dataset at scale 1 and 10.

Usage: .venv/bin/python bench/foundation_load.py [--scales 1 10] [--db gis_bench_foundation]
Creates (drops first) its own database as the app role; prints a Markdown table.
"""
import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg2

REPO = Path(__file__).resolve().parent.parent
ADMIN_URL = "postgres://gis_service:gis_service@127.0.0.1:5432/postgres"


def recreate_database(name: str) -> None:
    """Drop and create the benchmark database (it gets PostGIS from template1)."""
    conn = psycopg2.connect(ADMIN_URL)
    conn.autocommit = True
    with conn.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    conn.close()


def timed(args: list[str], env: dict) -> float:
    """Run a manage.py command and return its wall time in seconds."""
    started = time.perf_counter()
    subprocess.run([sys.executable, "manage.py", *args, "--verbosity", "0"], cwd=REPO, env=env, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10])
    parser.add_argument("--db", default="gis_bench_foundation")
    options = parser.parse_args()
    recreate_database(options.db)
    env = {**os.environ, "DATABASE_URL": f"postgres://gis_service:gis_service@127.0.0.1:5432/{options.db}"}
    rows = [("migrate (empty database)", timed(["migrate", "--noinput"], env))]
    rows.append(("load_boundaries (77 + 928 + 7,425 areas)", timed(["load_boundaries"], env)))
    rows.append(("load_boundaries again (skips)", timed(["load_boundaries"], env)))
    rows.append(("load_lao_register (7,850 LAOs)", timed(["load_lao_register"], env)))
    for scale in options.scales:
        label = f"generate_national_dataset --scale {scale:g} ({round(21_290 * scale):,} sites)"
        rows.append((label, timed(["generate_national_dataset", "--seed", "42", "--scale", str(scale)], env)))
    print("| step | seconds |\n|---|---|")
    for label, seconds in rows:
        print(f"| {label} | {seconds:.1f} |")


if __name__ == "__main__":
    main()
