"""Per-request cost of a tile inside the app (no network, no gunicorn), over the benchmark's 291 tiles.

The service's WSGI application (`gis_service.wsgi.application`: the tile fast path in front of Django, on a
checkout that has one) and Django's own handler (the path of every request the fast path leaves to Django; on
checkouts without the tile middleware, its whole middleware stack), each for cached tiles with versioned URLs,
cached tiles with plain URLs (one read of the data version) and uncached tiles. CPU time and wall time per
request, in microseconds; a fresh file cache in a temporary folder.

    DATABASE_URL=postgres://gis_service:gis_service@127.0.0.1:5432/gis_tiles_bench \\
        .venv/bin/python bench/tiles_inprocess.py [--passes 5]
"""
import argparse
import io
import os
import sys
import tempfile
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis_service.settings")
os.environ["TILE_CACHE_DIR"] = tempfile.mkdtemp(prefix="tiles-inprocess-")
os.environ.setdefault("DEBUG", "0")
django.setup()

from django.conf import settings  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402

from bench.tiles_throughput import LAYER, fixed_tile_list  # noqa: E402
from gis_service.wsgi import application  # noqa: E402
from layers.versions import layer_version  # noqa: E402


def environ(path: str, query: str) -> dict:
    """A minimal WSGI environ for a GET of a tile."""
    return {"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1", "wsgi.input": io.BytesIO(b""),
            "wsgi.url_scheme": "http", "SERVER_PROTOCOL": "HTTP/1.1"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--passes", type=int, default=5, help="passes over the tile list per measurement")
    passes = parser.parse_args().passes
    paths = [f"/tiles/{LAYER}/{z}/{x}/{y}.mvt" for z, x, y in fixed_tile_list()]
    version = layer_version(LAYER)
    answers = []

    def start_response(status, headers, exc_info=None):
        answers.append((status, dict(headers).get("X-Tile-Cache")))

    print("| app | tiles | CPU per request | wall per request | last answer |")
    print("|---|---|---|---|---|")
    for app_name, app in (("service WSGI app", application), ("Django handler", WSGIHandler())):
        for label, query, cache in (("cached, versioned URL", f"v={version}", True), ("cached, plain URL", "", True),
                                    ("uncached", "", False)):
            settings.TILE_CACHE_ENABLED = cache
            for path in paths:  # fills the cache, prepares the statements
                b"".join(app(environ(path, query), start_response))
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(passes):
                for path in paths:
                    b"".join(app(environ(path, query), start_response))
            count = passes * len(paths)
            cpu_us = (time.process_time() - cpu) / count * 1e6
            wall_us = (time.perf_counter() - wall) / count * 1e6
            print(f"| {app_name} | {label} | {cpu_us:.0f} µs | {wall_us:.0f} µs | {answers[-1]} |", flush=True)


if __name__ == "__main__":
    main()
