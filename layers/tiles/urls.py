"""Routes of the vector tiles, TileJSON, the MapLibre style and OGC API – Tiles (added to layers/urls.py)."""
from django.http import HttpRequest, HttpResponse
from django.urls import path, re_path

from layers.ogc.errors import NotFound, error_response
from layers.tiles import ogc
from layers.tiles.style import style_view
from layers.tiles.tilejson import tilejson_view
from layers.tiles.views import tile_view

# The one tile URL pattern: the URLconf below routes it to the view, and the WSGI fast path
# (layers/tiles/wsgi.py) matches it in front of Django, so the two can never disagree on a tile path.
TILE_ROUTE = r"tiles/(?P<layers>[^/]+)/(?P<z>[^/]+)/(?P<x>[^/]+)/(?P<y>[^/]+?)\.mvt"


def unknown_tile_path(request: HttpRequest, rest: str) -> HttpResponse:
    """A clear 404 for a path under /tiles/ that names no tile, TileJSON or style."""
    return error_response(NotFound(
        f"No such tile resource '/tiles/{rest}': use /tiles/{{layer}}/{{z}}/{{x}}/{{y}}.mvt, "
        "/tiles/{layer},{layer}/{z}/{x}/{y}.mvt, /tiles/{layer}/tilejson.json or /tiles/style.json."
    ))


tile_urlpatterns = [
    path("tiles/style.json", style_view, name="tiles-style"),
    path("tiles/<str:layers>/tilejson.json", tilejson_view, name="tilejson"),
    re_path(rf"^{TILE_ROUTE}$", tile_view, name="tile"),
    re_path(r"^tiles/(?P<rest>.*)$", unknown_tile_path),
    path("ogc/tileMatrixSets", ogc.tile_matrix_sets_view, name="ogc-tile-matrix-sets"),
    path("ogc/tileMatrixSets/<str:tms_id>", ogc.tile_matrix_set_view, name="ogc-tile-matrix-set"),
    path("ogc/collections/<str:collection_id>/tiles", ogc.collection_tilesets_view, name="ogc-tilesets"),
    path("ogc/collections/<str:collection_id>/tiles/<str:tms_id>", ogc.collection_tileset_view,
         name="ogc-tileset"),
    path("ogc/collections/<str:collection_id>/tiles/<str:tms_id>/<str:z>/<str:y>/<str:x>",
         ogc.collection_tile_view, name="ogc-tile"),
]
