"""Per-request cost of a cached tile inside Django (no network, no gunicorn): versioned vs plain URL.

    DATABASE_URL=postgres://gis_service:gis_service@127.0.0.1:5432/gis_tiles_bench \\
        .venv/bin/python bench/tiles_inprocess.py [--requests 2000]
"""
import argparse
import io
import os
import sys
import time
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis_service.settings")
django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402

from layers.versions import layer_version  # noqa: E402

TILE_PATH = "/tiles/groundwater_banks/10/800/473.mvt"


def environ(query: str) -> dict:
    """A minimal WSGI environ for a GET of the tile."""
    return {"REQUEST_METHOD": "GET", "PATH_INFO": TILE_PATH, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000", "HTTP_HOST": "127.0.0.1", "wsgi.input": io.BytesIO(b""),
            "wsgi.url_scheme": "http", "SERVER_PROTOCOL": "HTTP/1.1"}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    count = parser.parse_args().requests
    handler = WSGIHandler()
    statuses = []

    def start_response(status, headers):
        statuses.append((status, dict(headers).get("X-Tile-Cache")))

    version = layer_version("groundwater_banks")
    for label, query in (("versioned (?v=current)", f"v={version}"), ("plain", "")):
        b"".join(handler(environ(query), start_response))  # warm the cache
        started = time.perf_counter()
        for _ in range(count):
            b"".join(handler(environ(query), start_response))
        per_request_us = (time.perf_counter() - started) / count * 1e6
        print(f"| cached tile, {label} | {per_request_us:.0f} µs | last answer {statuses[-1]} |")


if __name__ == "__main__":
    main()
