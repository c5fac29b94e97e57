"""The public tile fast path at the WSGI level, in front of Django (gis_service/wsgi.py).

Public tiles are requested thousands of times a second and depend on nothing but their URL and the
data: no session, user, language, CSRF, messages, URL resolution or Django request and response
objects. This wrapper answers the common case, `GET /tiles/{layers}/{z}/{x}/{y}.mvt` with no query or
only `?v=<version>`, straight from the shared tile core (`layers.tiles.views.tile_reply`), so it answers
exactly what the Django view answers, with fewer steps in between.

Everything else goes to Django unchanged, through its whole middleware stack: other paths and methods,
any other query (`include=unpublished` needs the signed-in user), a host Django would refuse, plain HTTP
when HTTPS is required, and every request that is not a well-formed tile (Django's view writes the error
message). A database error also hands the request to Django, which retries on a fresh connection or
answers 503 + Retry-After. This is the only tile fast path: the tile path pattern is the URLconf's own
(`layers.tiles.urls.TILE_ROUTE`), and no Django middleware repeats the shortcut.
"""
import re
import time
from functools import lru_cache

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections
from django.http.request import split_domain_port, validate_host

from layers.ogc.errors import OgcError
from layers.tiles.sql import PUBLIC
from layers.tiles.urls import TILE_ROUTE
from layers.tiles.views import (
    MVT_CONTENT_TYPE,
    TileReply,
    TileRequest,
    layers_at_zoom,
    parse_layers,
    parse_tile,
    tile_reply,
)

# PATH_INFO keeps the leading slash the URLconf's patterns leave out.
TILE_PATH = re.compile(rf"^/{TILE_ROUTE}$")
VERSION_QUERY = re.compile(r"^v=([0-9]{1,18})$")
STATUS_LINES = {200: "200 OK", 204: "204 No Content", 304: "304 Not Modified"}
# What Django's SecurityMiddleware adds to a tile it answers, so both paths send the same headers.
SECURITY_HEADERS = (("X-Content-Type-Options", "nosniff"), ("Referrer-Policy", "same-origin"))
# Hosts already found acceptable (ALLOWED_HOSTS does not change while the process runs).
_allowed_hosts: set[str] = set()
MAX_REMEMBERED_HOSTS = 64


@lru_cache(maxsize=256)
def _layers(spec: str) -> tuple | None:
    """The registry layers of a comma-separated list, or None when Django should explain the error."""
    try:
        return tuple(parse_layers(spec))
    except OgcError:
        return None


def _host_allowed(environ: dict) -> bool:
    """Whether Django would accept the request's host (the Host header against ALLOWED_HOSTS)."""
    host = environ.get("HTTP_HOST")
    if host is None or settings.USE_X_FORWARDED_HOST:
        return False
    if host in _allowed_hosts:
        return True
    domain, _port = split_domain_port(host)
    allowed = settings.ALLOWED_HOSTS
    if settings.DEBUG and not allowed:
        allowed = [".localhost", "127.0.0.1", "[::1]"]
    if not domain or not validate_host(domain, allowed):
        return False
    if len(_allowed_hosts) < MAX_REMEMBERED_HOSTS:
        _allowed_hosts.add(host)
    return True


def _is_secure(environ: dict) -> bool:
    if settings.SECURE_PROXY_SSL_HEADER:
        header, secure_value = settings.SECURE_PROXY_SSL_HEADER
        value = environ.get(header)
        if value is not None:
            return value.split(",", 1)[0].strip() == secure_value
    return environ.get("wsgi.url_scheme") == "https"


def fast_tile_reply(environ: dict) -> TileReply | None:
    """The reply to a plain public tile request, or None when Django should take the request."""
    match = TILE_PATH.match(environ.get("PATH_INFO", ""))
    if match is None or environ.get("REQUEST_METHOD") != "GET":
        return None
    query = environ.get("QUERY_STRING", "")
    wanted_version = None
    if query:
        version_match = VERSION_QUERY.match(query)
        if version_match is None:
            return None
        wanted_version = int(version_match.group(1))
    if not _host_allowed(environ) or (settings.SECURE_SSL_REDIRECT and not _is_secure(environ)):
        return None
    layers = _layers(match.group("layers"))
    if layers is None:
        return None
    try:
        z, x, y = parse_tile(match.group("z"), match.group("x"), match.group("y"))
        tile_request = TileRequest(layers_at_zoom(list(layers), z), z, x, y, PUBLIC)
        return tile_reply(tile_request, wanted_version, environ.get("HTTP_IF_NONE_MATCH"))
    except OgcError:
        return None
    except DatabaseError:
        # Django's own path retries on a new connection, or answers 503 + Retry-After.
        return None
    finally:
        # What Django does when a request ends: drop a connection past CONN_MAX_AGE (an unusable one
        # raised DatabaseError above, and Django's own path, which took the request, checks it).
        # (Never inside a transaction someone else opened, as in tests.)
        database = connections[DEFAULT_DB_ALIAS]
        if database.close_at is not None and not database.in_atomic_block and time.monotonic() >= database.close_at:
            database.close()


class TileFastPath:
    """WSGI middleware: plain public tiles answered here, every other request passed to `app`."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        if not environ.get("PATH_INFO", "").startswith("/tiles/"):
            return self.app(environ, start_response)
        reply = fast_tile_reply(environ)
        if reply is None:
            return self.app(environ, start_response)
        if reply.status == 200:
            headers = [("Content-Type", MVT_CONTENT_TYPE), ("Content-Length", str(len(reply.body)))]
        else:
            headers = []
        headers += reply.headers
        headers += SECURITY_HEADERS
        start_response(STATUS_LINES[reply.status], headers)
        return [reply.body] if reply.body else []
