"""Floors for any Python tile server on this machine (bench/tiles_throughput.py): the least a WSGI app can do.

`application`: no Django, no checks, no cache: a psycopg2 connection per thread, our two tile statements
(clustered below zoom 8, plain above) prepared once, and each request parsed with one regular expression and
answered with the bytes. `constant_application`: answers every request with the same bytes from memory (the
size of the mean tile), the ceiling for any cached path. Both run under the same gunicorn as the service, so
what they reach is what gunicorn and the machine allow; the gap to the service is the service's own cost.
They serve only the benchmark's layer.

    TILE_SQL_FILE=statements.json DATABASE_URL=... gunicorn --chdir bench tiles_bare_wsgi:application
    CONSTANT_BYTES=9930 gunicorn --chdir bench tiles_bare_wsgi:constant_application
"""
import json
import os
import re
import threading

import psycopg2

PATH = re.compile(r"^/tiles/groundwater_banks/(\d+)/(\d+)/(\d+)\.mvt$")
CLUSTER_BELOW_ZOOM = int(os.environ.get("CLUSTER_BELOW_ZOOM", "8"))
BUFFER_RATIO = float(os.environ.get("BUFFER_RATIO", str(64 / 4096)))
_local = threading.local()


def _connection():
    connection = getattr(_local, "connection", None)
    if connection is None:
        connection = _local.connection = psycopg2.connect(os.environ["DATABASE_URL"])
        connection.autocommit = True
        with open(os.environ["TILE_SQL_FILE"]) as file:
            statements = json.load(file)  # {"clustered": sql, "plain": sql}
        with connection.cursor() as cursor:
            cursor.execute("SET plan_cache_mode = force_generic_plan")
            for name, sql in statements.items():
                cursor.execute(f"PREPARE {name} AS {sql}")
    return connection


def application(environ, start_response):
    match = PATH.match(environ.get("PATH_INFO", ""))
    if match is None:
        start_response("404 Not Found", [("Content-Length", "0")])
        return []
    z, x, y = (int(part) for part in match.groups())
    name = "clustered" if z < CLUSTER_BELOW_ZOOM else "plain"
    with _connection().cursor() as cursor:
        cursor.execute(f"EXECUTE {name}(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
                       [z, z, x, y, z, x, y, BUFFER_RATIO, z, x, y])
        tile = bytes(cursor.fetchone()[0] or b"")
    start_response("200 OK", [("Content-Type", "application/vnd.mapbox-vector-tile"),
                              ("Content-Length", str(len(tile)))])
    return [tile]


CONSTANT = b"\x1a" * int(os.environ.get("CONSTANT_BYTES", "10000"))


def constant_application(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/vnd.mapbox-vector-tile"),
                              ("Content-Length", str(len(CONSTANT)))])
    return [CONSTANT]
