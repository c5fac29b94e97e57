"""Vector tile views: /tiles/{layers}/{z}/{x}/{y}.mvt, cached by data version, with HTTP caching.

The request path is kept lean because cached tiles must be served thousands of times a second:
plain Django views (no DRF), one indexed read of the data version, one cache read. Behaviour:

- a tile with no feature is `204 No Content` (an empty MVT), cached like any other tile;
- z, x or y that is not a whole number, or x/y outside the 2^z grid: 400; a zoom outside every
  requested layer's zoom range: 404; an unknown layer: 404; each with a message saying what to ask;
- `?v=<version>` equal to the current data version: `public, max-age=31536000, immutable`; once
  that tile is cached it is served for that URL with no database read (the URL names a snapshot);
  a `v` that is not current, with no tile cached for it, gets today's data as `public, no-cache`;
  a tile without `v`: `public, no-cache` with an ETag, so caches revalidate (304) and never show stale data;
- `?include=unpublished` (signed-in staff only) adds unpublished sites: `private, no-cache`.
"""
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_safe

from layers.ogc.errors import Forbidden, InvalidParameter, NotAuthenticated, NotFound, OgcError, error_response
from layers.registry import Layer, UnknownLayer, get_layer
from layers.tiles.cache import get_tile, set_tile, tile_key
from layers.tiles.sql import MAX_ZOOM, PUBLIC, STAFF, render_tile
from layers.versions import layer_versions

MVT_CONTENT_TYPE = "application/vnd.mapbox-vector-tile"
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"
PRIVATE = "private, no-cache"


@dataclass(frozen=True)
class TileRequest:
    """A checked tile request: the layers that have tiles at z, the tile, and the audience."""

    layers: tuple[Layer, ...]
    z: int
    x: int
    y: int
    scope: str

    @property
    def layer_ids(self) -> tuple[str, ...]:
        """Ids of the layers in the tile, in the order asked."""
        return tuple(layer.id for layer in self.layers)


def parse_layers(spec: str) -> list[Layer]:
    """The layers named in a comma-separated list; 404 for an unknown one, 400 for a repeated one."""
    ids = spec.split(",")
    if len(set(ids)) != len(ids):
        raise InvalidParameter(f"A layer is listed twice in '{spec}': list each layer once.")
    try:
        return [get_layer(layer_id) for layer_id in ids]
    except UnknownLayer as exc:
        raise NotFound(str(exc)) from None


def parse_tile(z: str, x: str, y: str) -> tuple[int, int, int]:
    """Whole numbers z, x, y of a tile in the Web Mercator grid; 400 with the valid range otherwise."""
    try:
        zoom, column, row = int(z), int(x), int(y)
    except ValueError:
        raise InvalidParameter(f"Tile {z}/{x}/{y}: z, x and y must be whole numbers, e.g. /5/24/14.") from None
    if not 0 <= zoom <= MAX_ZOOM:
        raise InvalidParameter(f"Zoom {zoom} is outside the grid: use a zoom from 0 to {MAX_ZOOM}.")
    last = 2**zoom - 1
    if not (0 <= column <= last and 0 <= row <= last):
        raise InvalidParameter(
            f"Tile {zoom}/{column}/{row} is outside the grid: at zoom {zoom} x and y run from 0 to {last}."
        )
    return zoom, column, row


def layers_at_zoom(layers: list[Layer], z: int) -> tuple[Layer, ...]:
    """The layers that have tiles at this zoom; 404 naming each layer's range when none has."""
    inside = tuple(layer for layer in layers if layer.minzoom <= z <= layer.maxzoom)
    if not inside:
        ranges = "; ".join(f"{layer.id} from zoom {layer.minzoom} to {layer.maxzoom}" for layer in layers)
        raise NotFound(f"No tiles at zoom {z}: {ranges}.")
    return inside


def tile_scope(request: HttpRequest) -> str:
    """PUBLIC, or STAFF when signed-in staff ask for unpublished sites too."""
    include = request.GET.get("include")
    if include is None:
        return PUBLIC
    if include != "unpublished":
        raise InvalidParameter(f"include={include} is not understood: the only value is include=unpublished.")
    from gis_service.accounts.permissions import can_see_unpublished

    if not request.user.is_authenticated:
        raise NotAuthenticated("Sign in as staff to see unpublished sites (include=unpublished).")
    if not can_see_unpublished(request.user):
        raise Forbidden("Only staff roles may see unpublished sites; drop include=unpublished.")
    return STAFF


def requested_version(request: HttpRequest) -> int | None:
    """The `v` query parameter as a number, or None when absent."""
    value = request.GET.get("v")
    if value is None:
        return None
    if not value.isdigit():
        raise InvalidParameter(f"v={value} is not a data version: take tile URLs from the TileJSON.")
    return int(value)


def etag_matches(header: str | None, etag: str) -> bool:
    """Whether an If-None-Match header names this ETag (weak or strong, alone or in a list, or `*`)."""
    if not header:
        return False
    candidates = {candidate.strip().removeprefix("W/") for candidate in header.split(",")}
    return etag in candidates or "*" in candidates


def check_tile_request(request: HttpRequest, spec: str, z: str, x: str, y: str) -> TileRequest:
    """Parse and check everything about a tile request before any data is read."""
    layers = parse_layers(spec)
    zoom, column, row = parse_tile(z, x, y)
    return TileRequest(layers_at_zoom(layers, zoom), zoom, column, row, tile_scope(request))


@dataclass(frozen=True)
class TileReply:
    """What to answer for a tile: 200 with MVT bytes, 204 (no feature) or 304, and the tile's headers."""

    status: int
    body: bytes
    headers: tuple[tuple[str, str], ...]


def tile_reply(tile_request: TileRequest, wanted_version: int | None, if_none_match: str | None) -> TileReply:
    """The tile, from the cache when its version matches, else from PostGIS; 304 when the ETag matches.

    Shared by the Django view and the WSGI fast path (layers/tiles/wsgi.py), so both answer alike.
    """
    ids = tile_request.layer_ids
    z, x, y, scope = tile_request.z, tile_request.x, tile_request.y, tile_request.scope
    if wanted_version is not None and scope == PUBLIC:
        # A versioned URL names one snapshot of the data, whose tile never changes: when it is
        # cached (it was rendered at exactly that version), no database read is needed at all.
        # This is what lets every cache in front hold such URLs for a year.
        cached = get_tile(tile_key(ids, PUBLIC, wanted_version, z, x, y))
        if cached is not None:
            etag = f'"{wanted_version}-{PUBLIC}"'
            if etag_matches(if_none_match, etag):
                return _reply(304, b"", etag, wanted_version, wanted_version, PUBLIC, "revalidated")
            return _reply(200 if cached else 204, cached, etag, wanted_version, wanted_version, PUBLIC, "hit")
    tile, status = None, "off"
    # With no cache and no ETag to compare, the tile statement alone gives the version.
    if settings.TILE_CACHE_ENABLED or if_none_match:
        version = max(layer_versions(ids).values())
        etag = f'"{version}-{scope}"'
        if etag_matches(if_none_match, etag):
            return _reply(304, b"", etag, version, wanted_version, scope, "revalidated")
        tile = get_tile(tile_key(ids, scope, version, z, x, y))
        status = "hit"
    if tile is None:
        status = "miss" if settings.TILE_CACHE_ENABLED else "off"
        # The statement reads the version with the data (one snapshot): the key can never
        # pair older data with a newer version, even when a write lands between the two reads.
        tile, version = render_tile(list(tile_request.layers), z, x, y, scope)
        if settings.TILE_CACHE_ENABLED:
            set_tile(tile_key(ids, scope, version, z, x, y), tile)
        etag = f'"{version}-{scope}"'
    return _reply(200 if tile else 204, tile, etag, version, wanted_version, scope, status)


def _reply(
    status: int, body: bytes, etag: str, version: int, wanted: int | None, scope: str, cache_status: str
) -> TileReply:
    if scope != PUBLIC:
        headers = (("ETag", etag), ("Cache-Control", PRIVATE))
    else:
        # Public tiles are for any web map, wherever it is served from.
        headers = (
            ("ETag", etag),
            ("Cache-Control", IMMUTABLE if wanted == version else REVALIDATE),
            ("Access-Control-Allow-Origin", "*"),
        )
    headers += (("X-Data-Version", str(version)), ("X-Tile-Cache", cache_status))
    return TileReply(status, body if status == 200 else b"", headers)


def tile_response(request: HttpRequest, tile_request: TileRequest) -> HttpResponse:
    """The tile as a Django response (see tile_reply)."""
    reply = tile_reply(tile_request, requested_version(request), request.META.get("HTTP_IF_NONE_MATCH"))
    if reply.status == 200:
        response = HttpResponse(reply.body, content_type=MVT_CONTENT_TYPE)
    else:
        response = HttpResponse(status=reply.status)
    for header, value in reply.headers:
        response[header] = value
    return response


@require_safe
def tile_view(request: HttpRequest, layers: str, z: str, x: str, y: str) -> HttpResponse:
    """A vector tile of one layer or of several (comma-separated), in one database round trip."""
    try:
        return tile_response(request, check_tile_request(request, layers, z, x, y))
    except OgcError as error:
        return error_response(error)
