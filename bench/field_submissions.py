"""Validated field submissions per second (no photos) against gunicorn, and resends of stored ones.

Usage (a database of your own holding boundaries, LAOs and the national dataset):
    DATABASE_URL=postgres://gis_service:gis_service@127.0.0.1:5432/gis_field_bench \
        .venv/bin/python bench/field_submissions.py --seconds 10 --clients 16 --workers 4

Each submission passes every check of a real one (in Thailand, in the officer's LAO, accuracy, capture
time, attributes through the site validation path, duplicate search) and is stored with its event.
"""
import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis_service.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import Group, User  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

from gis_service.accounts.models import LaoMembership  # noqa: E402
from gis_service.fieldwork.models import Submission  # noqa: E402
from gis_service.geography.models import LAO  # noqa: E402

BENCH_USER = "bench-field-officer"
LAO_CODE = "LAO-300101"  # Nakhon Ratchasima city municipality


def prepare_officer() -> str:
    """A field officer of one LAO, with a token; earlier bench submissions are removed."""
    Submission.objects.filter(officer__username=BENCH_USER).delete()
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


def run(base: str, token: str, items: list[dict], clients: int, seconds: float, resend: bool) -> dict:
    """Post from `clients` threads for `seconds`; count answers by status and time each request."""
    headers = {"Authorization": f"Token {token}"}
    lock = threading.Lock()
    cursor = iter(items)
    latencies_ms: list[float] = []
    statuses: dict[int, int] = {}
    stop_at = time.monotonic() + seconds

    def client() -> None:
        with requests.Session() as session:
            while time.monotonic() < stop_at:
                with lock:
                    item = next(cursor, None)
                if item is None:
                    return
                started = time.perf_counter()
                status = session.post(base + "/api/field/submissions", json=item, headers=headers, timeout=60).status_code
                elapsed_ms = (time.perf_counter() - started) * 1000
                with lock:
                    latencies_ms.append(elapsed_ms)
                    statuses[status] = statuses.get(status, 0) + 1

    began = time.monotonic()
    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall_s = time.monotonic() - began
    expected = 200 if resend else 201
    ok = statuses.get(expected, 0)
    latencies_ms.sort()
    return {
        "mode": "resend of stored" if resend else "new", "requests": len(latencies_ms), "ok": ok,
        "statuses": statuses, "per_s": ok / wall_s, "p50_ms": statistics.median(latencies_ms),
        "p95_ms": latencies_ms[int(0.95 * (len(latencies_ms) - 1))],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args()

    token = prepare_officer()
    points = points_in_lao(6000)
    items = [payload(point, n) for n, point in enumerate(points)]
    server = start_gunicorn(args.workers, args.threads, args.port)
    base = f"http://127.0.0.1:{args.port}"
    try:
        run(base, token, items[:200], args.clients, 3, resend=False)  # warm-up: connections, imports
        new = run(base, token, items[200:], args.clients, args.seconds, resend=False)
        stored = items[200:200 + new["ok"]]
        again = run(base, token, stored, args.clients, min(args.seconds, 5), resend=True)
    finally:
        server.terminate()
        server.wait(timeout=30)
    rows = Submission.objects.filter(officer__username=BENCH_USER).count()
    config = f"gunicorn {args.workers} workers" + (f" x {args.threads} threads" if args.threads > 1 else " (sync)")
    print(f"{config}, {args.clients} client threads on the same machine, {args.seconds:.0f} s")
    for result in (new, again):
        print(f"  {result['mode']:>17}: {result['per_s']:7.1f} /s  ({result['ok']} ok of {result['requests']}, "
              f"statuses {result['statuses']}), p50 {result['p50_ms']:.1f} ms, p95 {result['p95_ms']:.1f} ms")
    print(f"  submission rows stored: {rows} (200 warm-up + {new['ok']} measured; resends added none)")
    Submission.objects.filter(officer__username=BENCH_USER).delete()


if __name__ == "__main__":
    main()
