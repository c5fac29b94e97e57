"""OGC API – Tiles for the registry's layers: the same tiles as /tiles/, where OGC clients look for them.

Routes (under /ogc/, beside the Features routes of layers/ogc/):
/ogc/tileMatrixSets, /ogc/tileMatrixSets/WebMercatorQuad, /ogc/collections/{id}/tiles,
/ogc/collections/{id}/tiles/WebMercatorQuad and
/ogc/collections/{id}/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol} — note the OGC order:
zoom, then row (y), then column (x).
"""
import math

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

from layers.ogc.errors import NotFound, OgcError, error_response
from layers.registry import Layer
from layers.tiles.sql import MAX_ZOOM, WEB_MERCATOR_HALF_WIDTH_M
from layers.tiles.tilejson import data_bounds
from layers.tiles.views import MVT_CONTENT_TYPE, check_tile_request, parse_layers, tile_response

TMS_ID = "WebMercatorQuad"
TMS_URI = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
CRS_3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
TILE_SIZE_PX = 256
# OGC's standardised rendering pixel: 0.28 mm.
PIXEL_SIZE_M = 0.00028
REL_TILING_SCHEME = "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"
GEOMETRY_DIMENSIONS = {"Point": "points", "MultiLineString": "lines", "LineString": "lines",
                       "MultiPolygon": "polygons", "Polygon": "polygons"}


def _json(document: dict) -> JsonResponse:
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _ogc(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(f"/ogc{path}")


def _check_tms(tms_id: str) -> None:
    if tms_id != TMS_ID:
        raise NotFound(f"Unknown tile matrix set '{tms_id}': the only one is {TMS_ID}.")


def web_mercator_quad() -> dict:
    """The WebMercatorQuad tile matrix set (OGC 2D Tile Matrix Set 2.0, JSON)."""
    matrices = []
    for zoom in range(MAX_ZOOM + 1):
        cell_size_m = 2 * WEB_MERCATOR_HALF_WIDTH_M / TILE_SIZE_PX / 2**zoom
        matrices.append({
            "id": str(zoom), "scaleDenominator": cell_size_m / PIXEL_SIZE_M, "cellSize": cell_size_m,
            "cornerOfOrigin": "topLeft", "pointOfOrigin": [-WEB_MERCATOR_HALF_WIDTH_M, WEB_MERCATOR_HALF_WIDTH_M],
            "tileWidth": TILE_SIZE_PX, "tileHeight": TILE_SIZE_PX, "matrixWidth": 2**zoom, "matrixHeight": 2**zoom,
        })
    return {"id": TMS_ID, "title": "Google Maps Compatible for the World", "uri": TMS_URI, "crs": CRS_3857,
            "orderedAxes": ["X", "Y"], "wellKnownScaleSet": "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible",
            "tileMatrices": matrices}


def tile_limits(bounds: list[float], minzoom: int, maxzoom: int) -> list[dict]:
    """Per zoom, the rows and columns of tiles that cover these bounds (west, south, east, north)."""
    west, south, east, north = bounds

    def column(lon: float, zoom: int) -> int:
        return min(2**zoom - 1, max(0, int((lon + 180) / 360 * 2**zoom)))

    def row(lat: float, zoom: int) -> int:
        lat_rad = math.radians(max(-85.0511, min(85.0511, lat)))
        return min(2**zoom - 1, max(0, int((1 - math.asinh(math.tan(lat_rad)) / math.pi) / 2 * 2**zoom)))

    return [{"tileMatrix": str(zoom), "minTileRow": row(north, zoom), "maxTileRow": row(south, zoom),
             "minTileCol": column(west, zoom), "maxTileCol": column(east, zoom)}
            for zoom in range(minzoom, maxzoom + 1)]


def tileset(request: HttpRequest, layer: Layer) -> dict:
    """The OGC TileSet metadata of one collection's vector tiles."""
    base = f"/collections/{layer.id}/tiles/{TMS_ID}"
    properties = {layer.id_field: {"type": "string", "title": "Site code"}}
    properties.update({prop.name: prop.json_schema() for prop in layer.tile_properties})
    return {
        "title": f"{layer.title_en} ({layer.title_th})",
        "dataType": "vector",
        "crs": CRS_3857,
        "tileMatrixSetURI": TMS_URI,
        "tileMatrixSetLimits": tile_limits(data_bounds([layer]), layer.minzoom, layer.maxzoom),
        "layers": [
            {
                "id": layer.id,
                "title": layer.title_en,
                "dataType": "vector",
                "geometryDimension": {"points": 0, "lines": 1, "polygons": 2}[GEOMETRY_DIMENSIONS[layer.geometry_type]],
                "minTileMatrix": str(layer.minzoom),
                "maxTileMatrix": str(layer.maxzoom),
                "propertiesSchema": {"type": "object", "properties": properties},
            }
        ],
        "links": [
            {"rel": "self", "type": "application/json", "href": _ogc(request, base)},
            {"rel": REL_TILING_SCHEME, "type": "application/json", "href": _ogc(request, f"/tileMatrixSets/{TMS_ID}")},
            {
                "rel": "item",
                "type": MVT_CONTENT_TYPE,
                "templated": True,
                "href": _ogc(request, base) + "/{tileMatrix}/{tileRow}/{tileCol}",
            },
            {"rel": "collection", "type": "application/json", "href": _ogc(request, f"/collections/{layer.id}")},
            {
                "rel": "describedby",
                "type": "application/json",
                "title": "TileJSON",
                "href": request.build_absolute_uri(f"/tiles/{layer.id}/tilejson.json"),
            },
        ],
    }


def _guarded(view):
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except OgcError as error:
            return error_response(error)

    wrapped.__doc__ = view.__doc__
    wrapped.__name__ = view.__name__
    return require_safe(wrapped)


@_guarded
def tile_matrix_sets_view(request: HttpRequest) -> HttpResponse:
    """The tile matrix sets the tiles use (only WebMercatorQuad)."""
    return _json(
        {
            "tileMatrixSets": [
                {
                    "id": TMS_ID,
                    "title": "Google Maps Compatible for the World",
                    "uri": TMS_URI,
                    "crs": CRS_3857,
                    "links": [
                        {"rel": "self", "type": "application/json", "href": _ogc(request, f"/tileMatrixSets/{TMS_ID}")}
                    ],
                }
            ],
            "links": [{"rel": "self", "type": "application/json", "href": _ogc(request, "/tileMatrixSets")}],
        }
    )


@_guarded
def tile_matrix_set_view(request: HttpRequest, tms_id: str) -> HttpResponse:
    """One tile matrix set's definition."""
    _check_tms(tms_id)
    return _json(web_mercator_quad())


@_guarded
def collection_tilesets_view(request: HttpRequest, collection_id: str) -> HttpResponse:
    """The tilesets of a collection (one vector tileset in WebMercatorQuad)."""
    layer = _single_layer(collection_id)
    href = _ogc(request, f"/collections/{layer.id}/tiles/{TMS_ID}")
    return _json(
        {
            "tilesets": [
                {
                    "title": layer.title_en,
                    "dataType": "vector",
                    "crs": CRS_3857,
                    "tileMatrixSetURI": TMS_URI,
                    "links": [
                        {"rel": "self", "type": "application/json", "href": href},
                        {
                            "rel": REL_TILING_SCHEME,
                            "type": "application/json",
                            "href": _ogc(request, f"/tileMatrixSets/{TMS_ID}"),
                        },
                    ],
                }
            ],
            "links": [
                {"rel": "self", "type": "application/json", "href": _ogc(request, f"/collections/{layer.id}/tiles")}
            ],
        }
    )


@_guarded
def collection_tileset_view(request: HttpRequest, collection_id: str, tms_id: str) -> HttpResponse:
    """A collection's tileset metadata in one tile matrix set."""
    _check_tms(tms_id)
    return _json(tileset(request, _single_layer(collection_id)))


@_guarded
def collection_tile_view(request: HttpRequest, collection_id: str, tms_id: str, z: str, y: str, x: str) -> HttpResponse:
    """One vector tile of a collection: tileMatrix (zoom), tileRow (y), tileCol (x)."""
    _check_tms(tms_id)
    layer = _single_layer(collection_id)
    return tile_response(request, check_tile_request(request, layer.id, z, x, y))


def _single_layer(collection_id: str) -> Layer:
    if "," in collection_id:
        raise NotFound(f"Unknown collection '{collection_id}': a collection is one layer; use /tiles/a,b/ for sets.")
    return parse_layers(collection_id)[0]
