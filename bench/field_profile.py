"""Cost of one field submission in-process: queries, Python CPU and wall time, through the real WSGI handler.

Usage (same database as bench/field_submissions.py):
    DATABASE_URL=postgres://gis_service:gis_service@127.0.0.1:5432/gis_field_bench \
        .venv/bin/python bench/field_profile.py --count 200 [--queries] [--pyinstrument]

No HTTP server and no client threads: this isolates what the service spends per submission, so a change to
the intake path can be judged without the noise of a shared machine. `--pyinstrument` needs pyinstrument
importable (kept out of requirements.txt: put it on PYTHONPATH from a separate venv).
"""
import argparse
import io
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis_service.settings")
os.environ.setdefault("DEBUG", "0")

import django  # noqa: E402

django.setup()

import field_submissions as bench  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection  # noqa: E402

from gis_service.fieldwork.models import Submission  # noqa: E402


def environ_for(token: str, item: dict) -> dict:
    """A WSGI environ for POST /api/field/submissions with a JSON body, as gunicorn would pass it."""
    body = json.dumps(item).encode()
    return {
        "REQUEST_METHOD": "POST", "PATH_INFO": "/api/field/submissions", "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1", "HTTP_HOST": "127.0.0.1", "CONTENT_TYPE": "application/json",
        "CONTENT_LENGTH": str(len(body)), "HTTP_AUTHORIZATION": f"Token {token}",
        "wsgi.input": io.BytesIO(body), "wsgi.url_scheme": "http", "wsgi.errors": sys.stderr,
        "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
    }


def post_all(handler: WSGIHandler, token: str, items: list[dict]) -> Counter:
    """Send each item once; count the answers by status."""
    statuses: Counter = Counter()

    def start_response(status, headers, exc_info=None):
        statuses[int(status.split()[0])] += 1

    for item in items:
        response = handler(environ_for(token, item), start_response)
        b"".join(response)
        response.close()
    return statuses


class QueryLog:
    """Counts every statement the handler sends, by its first words (prepared ones by their name)."""

    def __init__(self) -> None:
        self.statements: Counter = Counter()

    def __call__(self, execute, sql, params, many, context):
        self.statements[" ".join(sql.split()[:6])[:110]] += 1
        return execute(sql, params, many, context)

    def prepared(self, run):
        """Wrap run_prepared: its statements go to psycopg2 directly, past Django's execute wrappers."""
        def counted(name, prepared_sql, params):
            self.statements[f"EXECUTE {name} (prepared)"] += 1
            return run(name, prepared_sql, params)
        return counted


def counting(log: QueryLog):
    """Count the prepared statements of the intake modules into `log` as well (where the code has them)."""
    try:
        from gis_service.fieldwork import auth, lookup, prepared
    except ImportError:  # an older checkout, measured for comparison
        return connection.execute_wrapper(log)
    auth.run_prepared = lookup.run_prepared = log.prepared(prepared.run_prepared)
    return connection.execute_wrapper(log)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--queries", action="store_true", help="list the statements of the measured submissions")
    parser.add_argument("--pyinstrument", action="store_true", help="print a pyinstrument profile")
    args = parser.parse_args()

    token = bench.prepare_officer()
    points = bench.points_in_lao(args.count + 50)
    items = [bench.payload(point, n) for n, point in enumerate(points)]
    handler = WSGIHandler()
    post_all(handler, token, items[:50])  # warm-up: imports, connection, caches
    log = QueryLog()
    profiler = None
    if args.pyinstrument:
        from pyinstrument import Profiler
        profiler = Profiler(interval=0.0005)
        profiler.start()
    cpu_started, wall_started = time.process_time(), time.perf_counter()
    with counting(log):
        statuses = post_all(handler, token, items[50:])
    cpu_s, wall_s = time.process_time() - cpu_started, time.perf_counter() - wall_started
    if profiler is not None:
        profiler.stop()
    resend_started = time.process_time()
    with counting(resend_log := QueryLog()):
        resend_statuses = post_all(handler, token, items[50:])
    resend_cpu_s = time.process_time() - resend_started
    n = args.count
    print(f"new: {dict(statuses)}; {sum(log.statements.values()) / n:.1f} queries, "
          f"{cpu_s / n * 1000:.2f} ms Python CPU, {wall_s / n * 1000:.2f} ms wall per submission")
    print(f"resend: {dict(resend_statuses)}; {sum(resend_log.statements.values()) / n:.1f} queries, "
          f"{resend_cpu_s / n * 1000:.2f} ms Python CPU per submission")
    if args.queries:
        for statement, count in log.statements.most_common():
            print(f"  {count / n:4.1f}x  {statement}")
    if profiler is not None:
        print(profiler.output_text(unicode=True, color=False, show_all=False))
    Submission.objects.filter(officer__username=bench.BENCH_USER).delete()


if __name__ == "__main__":
    main()
