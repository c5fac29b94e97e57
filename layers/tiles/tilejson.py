"""TileJSON 3.0 for a layer or a set of layers, with tile URLs that carry the data version.

A tile URL with `?v=<version>` names an immutable tile (see layers/tiles/views.py), so any HTTP cache
may keep it for a year: an edit moves the version, so clients reading a fresh TileJSON ask for
new URLs. The TileJSON itself is revalidated on every use (ETag on the version).
"""
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

from layers.ogc.errors import OgcError, error_response
from layers.registry import Layer
from layers.rows import layer_rows_sql
from layers.tiles.sql import is_clustered
from layers.tiles.views import REVALIDATE, etag_matches, parse_layers
from layers.versions import layer_versions

TILEJSON_VERSION = "3.0.0"
# Thailand, for a layer with no visible feature yet (west, south, east, north).
THAILAND_BOUNDS = (97.34, 5.61, 105.64, 20.46)
FIELD_TYPES = {"string": "String", "integer": "Number", "number": "Number", "boolean": "Boolean",
               "date": "String", "date-time": "String"}
ATTRIBUTION = "Programme sites: Department of Local Administration (DLA); boundaries: DOPA via GeoThai (CC BY 4.0)"


def layer_fields(layer: Layer) -> dict[str, str]:
    """The attributes a layer's tiles carry, with their types (the MVT feature id is the site's pk)."""
    fields = {layer.id_field: "String"}
    fields.update({prop.name: FIELD_TYPES[prop.type] for prop in layer.tile_properties})
    if any(is_clustered(layer, z) for z in range(layer.minzoom, layer.maxzoom + 1)):
        fields["count"] = "Number"
    return fields


def vector_layer(layer: Layer) -> dict:
    """The TileJSON `vector_layers` entry of one layer."""
    entry = {
        "id": layer.id,
        "description": f"{layer.title_en} ({layer.title_th}). {layer.description_en}",
        "minzoom": layer.minzoom,
        "maxzoom": layer.maxzoom,
        "fields": layer_fields(layer),
    }
    if "count" in entry["fields"]:
        entry["description"] += (
            " Below zoom 8 sites are merged per grid cell: `count` says how many; a cell of one keeps its fields."
        )
    return entry


def data_bounds(layers: list[Layer]) -> list[float]:
    """West, south, east, north of the layers' public features (Thailand when there are none)."""
    parts = []
    for layer in layers:
        sql, params = layer_rows_sql(layer, layer.visible_queryset(None).order_by(), [])
        parts.append((f"SELECT ST_Extent(b.g)::geometry AS box FROM ({sql}) b", params))
    union_sql = " UNION ALL ".join(sql for sql, _ in parts)
    params = [param for _, layer_params in parts for param in layer_params]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM (SELECT ST_Extent(box) AS e FROM ({union_sql}) u) x",  # noqa: E501
            params,
        )
        row = cursor.fetchone()
    if row is None or row[0] is None:
        return list(THAILAND_BOUNDS)
    return [round(value, 5) for value in row]


def tile_url_template(request: HttpRequest, layers: list[Layer], version: int) -> str:
    """The versioned tile URL template of these layers."""
    ids = ",".join(layer.id for layer in layers)
    return request.build_absolute_uri(f"/tiles/{ids}/") + "{z}/{x}/{y}.mvt" + f"?v={version}"


def tilejson(request: HttpRequest, layers: list[Layer], version: int) -> dict:
    """The TileJSON 3.0 document of a layer or a set of layers."""
    bounds = data_bounds(layers)
    minzoom = min(layer.minzoom for layer in layers)
    maxzoom = max(layer.maxzoom for layer in layers)
    return {
        "tilejson": TILEJSON_VERSION,
        "name": " + ".join(layer.title_en for layer in layers),
        "description": " / ".join(f"{layer.title_en} ({layer.title_th})" for layer in layers),
        "version": "1.0.0",
        "attribution": ATTRIBUTION,
        "scheme": "xyz",
        "tiles": [tile_url_template(request, layers, version)],
        "minzoom": minzoom,
        "maxzoom": maxzoom,
        "bounds": bounds,
        "center": [round((bounds[0] + bounds[2]) / 2, 5), round((bounds[1] + bounds[3]) / 2, 5), max(minzoom, 5)],
        "vector_layers": [vector_layer(layer) for layer in layers],
        "data_version": version,
    }


@require_safe
def tilejson_view(request: HttpRequest, layers: str) -> HttpResponse:
    """TileJSON of one layer or a comma-separated set."""
    try:
        chosen = parse_layers(layers)
    except OgcError as error:
        return error_response(error)
    version = max(layer_versions([layer.id for layer in chosen]).values())
    etag = f'"tilejson-{version}"'
    if etag_matches(request.META.get("HTTP_IF_NONE_MATCH"), etag):
        response = HttpResponse(status=304)
    else:
        response = JsonResponse(tilejson(request, chosen, version), json_dumps_params={"ensure_ascii": False})
    response["ETag"] = etag
    response["Cache-Control"] = REVALIDATE
    response["Access-Control-Allow-Origin"] = "*"
    return response
