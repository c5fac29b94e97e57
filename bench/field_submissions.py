"""Validated field submissions per second (no photos) against gunicorn, and resends of stored ones.

Usage (a database of your own holding boundaries, LAOs and the national dataset; run under the shared lock):
    DATABASE_URL=postgres://gis_service:gis_service@127.0.0.1:5432/gis_field_bench \
        flock /work/notes/bench.lock .venv/bin/python bench/field_submissions.py --seconds 10 --workers 4

Each submission passes every check of a real one (in Thailand, in the officer's LAO, accuracy, capture
time, attributes through the site validation path, duplicate search) and is stored with its event.
The client is wrk (C, little CPU) by default, or Python threads with requests (`--client python`); both
run on the same 2 cores as gunicorn and PostgreSQL, so the CPU each of the three used is reported too.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis_service.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from field_clients import add_cpu, cpu_start, machine_busy_s, run_python, run_wrk  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from gis_service.accounts.models import LaoMembership  # noqa: E402
from gis_service.fieldwork.models import Submission  # noqa: E402
from gis_service.geography.models import LAO  # noqa: E402

BENCH_USER = "bench-field-officer"
LAO_CODE = "3300102"  # Nakhon Ratchasima City Municipality (เทศบาลนครนครราชสีมา), the DLA register's code
PATH = "/api/field/submissions"


def prepare_officer() -> str:
    """A field officer of one LAO, with a token; earlier bench submissions are removed."""
    Submission.objects.filter(officer__username=BENCH_USER).delete()
    # Every run deletes thousands of rows; where autovacuum is off (as on the shared bench server) their
    # dead index entries would pile up from run to run and slow the next one.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE fieldwork_submission, fieldwork_submissionevent")
    user, _ = User.objects.get_or_create(username=BENCH_USER)
    user.groups.add(Group.objects.get(name="field_officer"))
    LaoMembership.objects.get_or_create(user=user, lao=LAO.objects.get(code=LAO_CODE))
    return Token.objects.get_or_create(user=user)[0].key


def points_in_lao(count: int) -> list[tuple[float, float]]:
    """Random points inside the LAO's area (PostGIS draws them), one per submission."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_X(g), ST_Y(g) FROM (SELECT (ST_Dump(ST_GeneratePoints(area, %s, 42))).geom AS g "
            "FROM geography_lao WHERE code = %s) p", [count, LAO_CODE])
        return cursor.fetchall()


def payload(point: tuple[float, float], n: int) -> dict:
    return {
        "uuid": str(uuid.uuid4()), "programme": "groundwater_bank", "longitude": point[0], "latitude": point[1],
        "accuracy_m": 5 + n % 40, "captured_at": (timezone.now() - timedelta(minutes=5)).isoformat(),
        "attributes": {"name_th": f"บ่อทดสอบ {n}", "programme_year": 2024, "status": "operational",
                       "system_type": "closed", "purpose": "drought", "depth_m": 3.5},
    }


def start_gunicorn(workers: int, threads: int, port: int) -> subprocess.Popen:
    env = {**os.environ, "DEBUG": "0", "CONN_MAX_AGE": "60", "LOG_LEVEL": "WARNING",
           "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-secret-key-0123456789abcdef0123456789")}
    args = [str(Path(sys.executable).parent / "gunicorn"), "gis_service.wsgi:application", "--bind",
            f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning"]
    if threads > 1:
        args += ["--threads", str(threads), "--worker-class", "gthread"]
    server = subprocess.Popen(args, cwd=REPO, env=env)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(base + "/healthz", timeout=5).status_code == 200:
                return server
        except requests.RequestException:
            time.sleep(0.3)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def stored_count() -> int:
    return Submission.objects.filter(officer__username=BENCH_USER).count()


def settled_count() -> int:
    """The stored count once requests still in the server when the client stopped have finished."""
    count = stored_count()
    while True:
        time.sleep(0.5)
        again = stored_count()
        if again == count:
            return count
        count = again


def measure(run, server: subprocess.Popen, label: str) -> dict:
    """Run one phase; add the rows it stored and the CPU seconds gunicorn and PostgreSQL spent on it."""
    rows_before = stored_count()
    start = cpu_start(server.pid)
    result = run()
    busy = machine_busy_s() - start["busy"]
    result["label"] = label
    result["rows_added"] = settled_count() - rows_before
    result["load"] = os.getloadavg()[0]
    return add_cpu(result, start, busy)


def report(result: dict, expected_status: int) -> str:
    ok = result["statuses"].get(expected_status, 0)
    per_s = ok / result["wall_s"]
    # Requests still in the server when the client stopped were done too (their rows count), answered to no one.
    done = result["rows_added"] if expected_status == 201 else ok
    cpu_ms = {name: result[key] / max(done, 1) * 1000 for name, key in
              (("gunicorn", "server_cpu_s"), ("postgres", "db_cpu_s"), ("client", "client_cpu_s"))}
    return (f"  {result['label']:>17}: {per_s:7.1f} /s  ({ok} x {expected_status} of {result['requests']}, "
            f"statuses {result['statuses']}), p50 {result['p50_ms']:.1f} ms, p99 {result['p99_ms']:.1f} ms; "
            f"rows added {result['rows_added']}; CPU per answer: "
            + ", ".join(f"{name} {ms:.1f} ms" for name, ms in cpu_ms.items())
            + f"; load {result['load']:.1f}, other processes {result['others_cores']:.2f} cores")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=16, help="concurrent client connections")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--client", choices=["wrk", "python"], default="wrk")
    args = parser.parse_args()

    token = prepare_officer()
    # Enough distinct submissions that no client runs out (about 600/s at most on this machine).
    count = 300 + int(args.seconds * 600)
    items = [payload(point, n) for n, point in enumerate(points_in_lao(count))]
    warm, fresh = items[:300], items[300:]
    server = start_gunicorn(args.workers, args.threads, args.port)
    base = f"http://127.0.0.1:{args.port}"
    client = run_wrk if args.client == "wrk" else run_python
    headers = {"Authorization": f"Token {token}", "Content-Type": "application/json"}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            def phase(bodies: list[dict], seconds: float):
                return lambda: client(base + PATH, headers, [json.dumps(b) for b in bodies], args.connections,
                                      seconds, Path(tmp))
            warmed = measure(phase(warm, 3), server, "warm-up")  # connections, imports
            new = measure(phase(fresh, args.seconds), server, "new")
            stored_uuids = {str(u) for u in Submission.objects.filter(
                officer__username=BENCH_USER).values_list("client_uuid", flat=True)}
            resent_bodies = [b for b in fresh if b["uuid"] in stored_uuids]
            again = measure(phase(resent_bodies, min(args.seconds, 5)), server, "resend of stored")
    finally:
        server.terminate()
        server.wait(timeout=30)
    config = f"gunicorn {args.workers} workers" + (f" x {args.threads} threads" if args.threads > 1 else " (sync)")
    print(f"{config}, client {args.client} with {args.connections} connections on the same machine, "
          f"{args.seconds:.0f} s")
    print(report(new, 201))
    print(report(again, 200))
    print(f"  rows: warm-up {warmed['rows_added']}, measured {new['rows_added']}, resends {again['rows_added']}; "
          f"now {stored_count()} stored for the bench officer")
    Submission.objects.filter(officer__username=BENCH_USER).delete()


if __name__ == "__main__":
    main()
