"""Benchmark: raw PostGIS FeatureCollection vs our /ogc items vs tipg 1.6.1, side by side in one run.

Usage (bench database loaded with the national dataset, seed 42; tipg installed in a separate venv):
    DATABASE_URL=postgres://gis_service:gis_service@127.0.0.1:5432/gis_ogc_bench \
        .venv/bin/python bench/ogc_features.py --tipg-venv /work/peers-ogc [--repeat 5]

It starts gunicorn (our app, 2 sync workers) and uvicorn (tipg, 1 worker) on free ports, signs in a
planner by session cookie so our server returns all 10,801 wells as tipg does, times each request
from a single sequential client (best and median wall time, body size), and prints a Markdown table.
Pages are timed twice for us: as the signed-in planner and as the public (no sign-in, published
wells only; the usual map or GIS client). The last case sends a different bbox on every request,
so our `numberMatched` is never served from the count cache.
"""
import argparse
import os
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import psycopg2
import requests

REPO = Path(__file__).resolve().parent.parent
RAW_SQL = ("SELECT json_build_object('type','FeatureCollection','features',"
           "json_agg(ST_AsGeoJSON(t.*)::json))::text FROM programmes_groundwaterbank t")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early: {url}")
        try:
            if requests.get(url, timeout=20).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"server did not answer: {url}")


def planner_session_cookie(database_url: str, secret_key: str) -> str:
    """Create (once) a planner and a session for it, in a child process with Django set up."""
    code = (
        "import django; django.setup()\n"
        "from django.contrib.auth.models import Group, User\n"
        "from django.contrib.sessions.backends.db import SessionStore\n"
        "from django.contrib.auth import SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY\n"
        "u, _ = User.objects.get_or_create(username='bench-planner')\n"
        "u.groups.add(Group.objects.get(name='planner'))\n"
        "s = SessionStore(); s[SESSION_KEY] = str(u.pk)\n"
        "s[BACKEND_SESSION_KEY] = 'django.contrib.auth.backends.ModelBackend'\n"
        "s[HASH_SESSION_KEY] = u.get_session_auth_hash(); s.create(); print(s.session_key)\n"
    )
    # Sessions are signed: the child must use the server's SECRET_KEY or the cookie is ignored.
    env = {**os.environ, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "gis_service.settings",
           "PYTHONPATH": str(REPO), "SECRET_KEY": secret_key}
    result = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True,
                            check=True)
    return result.stdout.strip().splitlines()[-1]


def time_get(url: str | list[str], repeat: int, cookies: dict | None = None) -> tuple[float, float, int, int]:
    """Best and median seconds, body bytes and numberReturned-ish feature count of `repeat` GETs.

    Given a list, the first URL warms up and each timed GET takes the next one (cycling)."""
    urls = [url] * 2 if isinstance(url, str) else url
    session = requests.Session()
    times, size, status = [], 0, 0
    session.get(urls[0], cookies=cookies, timeout=120)  # warm-up: connections, caches, imports
    for i in range(repeat):
        started = time.perf_counter()
        response = session.get(urls[1 + i % (len(urls) - 1)], cookies=cookies, timeout=120)
        body = response.content
        times.append(time.perf_counter() - started)
        size, status = len(body), response.status_code
    if status != 200:
        raise RuntimeError(f"{url} answered {status}")
    count = response.json().get("numberReturned", len(response.json().get("features", [])))
    return min(times), statistics.median(times), size, count


def time_raw(database_url: str, repeat: int) -> tuple[float, float, int, int]:
    connection = psycopg2.connect(database_url)
    times, text = [], ""
    with connection.cursor() as cursor:
        cursor.execute(RAW_SQL)
        cursor.fetchone()
        for _ in range(repeat):
            started = time.perf_counter()
            cursor.execute(RAW_SQL)
            text = cursor.fetchone()[0]
            times.append(time.perf_counter() - started)
    connection.close()
    return min(times), statistics.median(times), len(text.encode()), text.count('"type": "Feature"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tipg-venv", default="/work/peers-ogc")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    database_url = os.environ["DATABASE_URL"]
    ours_port, tipg_port = free_port(), free_port()
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789",
           "CONN_MAX_AGE": "60", "ALLOWED_HOSTS": "127.0.0.1"}
    ours = subprocess.Popen([str(REPO / ".venv/bin/gunicorn"), "gis_service.wsgi:application", "--bind",
                             f"127.0.0.1:{ours_port}", "--workers", "2", "--timeout", "120"], cwd=REPO, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    tipg_env = {**os.environ, "DATABASE_URL": database_url.replace("postgres://", "postgresql://"),
                "TIPG_MAX_FEATURES_PER_QUERY": "20000", "TIPG_DB_SCHEMAS": '["public"]'}
    tipg = subprocess.Popen([f"{args.tipg_venv}/bin/uvicorn", "tipg.main:app", "--host", "127.0.0.1", "--port",
                             str(tipg_port), "--workers", "1", "--log-level", "warning"], env=tipg_env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        ours_base, tipg_base = f"http://127.0.0.1:{ours_port}/ogc", f"http://127.0.0.1:{tipg_port}"
        wait_for(f"{ours_base}/conformance", ours)
        wait_for(f"{tipg_base}/conformance", tipg)
        cookies = {"sessionid": planner_session_cookie(database_url, env["SECRET_KEY"])}
        tipg_items = f"{tipg_base}/collections/public.programmes_groundwaterbank/items"
        ours_items = f"{ours_base}/collections/groundwater_banks/items"
        rows = [("raw SQL FeatureCollection (psycopg2)", "whole layer", time_raw(database_url, args.repeat))]
        # A bbox shifted a little on every request: each one is a new filter, so a new count.
        boxes = [f"bbox={99 + i * 0.001:.3f},13,{102 + i * 0.001:.3f},17" for i in range(1 + args.repeat * 4)]
        cases = [("whole layer", f"{ours_items}?f=geojson", f"{tipg_items}?limit=20000"),
                 ("limit=10000", f"{ours_items}?limit=10000", f"{tipg_items}?limit=10000"),
                 ("limit=1000", f"{ours_items}?limit=1000", f"{tipg_items}?limit=1000"),
                 ("limit=100", f"{ours_items}?limit=100", f"{tipg_items}?limit=100"),
                 ("limit=100, new bbox each time", [f"{ours_items}?limit=100&{box}" for box in boxes],
                  [f"{tipg_items}?limit=100&{box}" for box in boxes])]
        for label, ours_url, tipg_url in cases:
            repeat = args.repeat if label in ("whole layer", "limit=10000") else args.repeat * 4
            rows.append(("ours /ogc items (planner)", label, time_get(ours_url, repeat, cookies)))
            if label != "whole layer":
                rows.append(("ours /ogc items (public)", label, time_get(ours_url, repeat)))
            rows.append(("tipg 1.6.1", label, time_get(tipg_url, repeat)))
        print("| server | request | features | best ms | median ms | MB | features/s (median) |")
        print("|---|---|---:|---:|---:|---:|---:|")
        for server, label, (best_s, median_s, size, count) in rows:
            print(f"| {server} | {label} | {count:,} | {best_s * 1000:.0f} | {median_s * 1000:.0f} | "
                  f"{size / 1e6:.2f} | {count / median_s:,.0f} |")
    finally:
        for process in (ours, tipg):
            process.terminate()
            process.wait(timeout=30)


if __name__ == "__main__":
    main()
