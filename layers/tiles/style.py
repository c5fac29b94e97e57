"""A MapLibre style (v8) for the programme layers over our own boundaries, derived from the registry.

One vector source serves every layer in one tile per z/x/y (the multi-layer tile URL, versioned),
so a map asks for one tile per place instead of one per layer. Labels are left out: they need a
glyph server, and the public map must work with no internet.
"""
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

from layers.registry import Layer, get_layer, list_layers
from layers.tiles.tilejson import ATTRIBUTION, data_bounds, tile_url_template
from layers.tiles.views import REVALIDATE, etag_matches
from layers.versions import layer_versions

BASE_LAYER_IDS = ("provinces", "districts")
SOURCE = "gis_service"
BACKGROUND_COLOUR = "#f4f1ea"
LAND_COLOUR = "#fbfaf6"


def style_layers() -> list[Layer]:
    """The layers the style draws: the boundaries first (underneath), then every programme."""
    return [get_layer(layer_id) for layer_id in BASE_LAYER_IDS] + list_layers(programmes_only=True)


def _title(layer: Layer, lang: str) -> str:
    return layer.title_th if lang == "th" else layer.title_en


def _boundary_layers(layer: Layer, lang: str) -> list[dict]:
    common = {"source": SOURCE, "source-layer": layer.id, "minzoom": layer.minzoom,
              "metadata": {"title": _title(layer, lang), "legend": False}}
    drawn = [{**common, "id": f"{layer.id}-line", "type": "line",
              "paint": {"line-color": layer.style.colour, "line-width": layer.style.line_width_px}}]
    if layer.id == "provinces":
        drawn.insert(0, {**common, "id": f"{layer.id}-fill", "type": "fill",
                         "paint": {"fill-color": LAND_COLOUR, "fill-opacity": 1.0}})
    return drawn


def _programme_layers(layer: Layer, lang: str) -> list[dict]:
    common = {"source": SOURCE, "source-layer": layer.id,
              "metadata": {"title": _title(layer, lang), "legend": True, "symbol": layer.style.symbol}}
    # Merged cells (low zoom) grow with the number of sites they hold.
    radius = ["interpolate", ["linear"], ["coalesce", ["get", "count"], 1], 1, 3.5, 10, 6, 100, 11]
    circles = {**common, "id": f"{layer.id}-points", "type": "circle",
               "filter": ["==", ["geometry-type"], "Point"],
               "paint": {"circle-color": layer.style.colour, "circle-radius": radius,
                         "circle-stroke-color": layer.style.outline_colour, "circle-stroke-width": 1}}
    if layer.geometry_type == "Point":
        return [circles]
    lines = {**common, "id": f"{layer.id}-lines", "type": "line",
             "filter": ["==", ["geometry-type"], "LineString"],
             "paint": {"line-color": layer.style.colour, "line-width": layer.style.line_width_px}}
    return [lines, circles]


def maplibre_style(request: HttpRequest, lang: str = "en") -> dict:
    """The style document: one versioned vector source, boundaries, then one or two layers per programme."""
    layers = style_layers()
    version = max(layer_versions([layer.id for layer in layers]).values())
    drawn = [{"id": "background", "type": "background", "paint": {"background-color": BACKGROUND_COLOUR}}]
    for layer in layers:
        drawn += _programme_layers(layer, lang) if layer.has_published else _boundary_layers(layer, lang)
    bounds = data_bounds(layers)
    return {
        "version": 8,
        "name": "gis_service: DLA programmes" if lang != "th" else "gis_service: โครงการของ สถ.",
        "metadata": {"data_version": version, "language": lang},
        "center": [(bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2],
        "zoom": 5,
        "sources": {SOURCE: {
            "type": "vector",
            "tiles": [tile_url_template(request, layers, version)],
            "minzoom": min(layer.minzoom for layer in layers),
            "maxzoom": max(layer.maxzoom for layer in layers),
            "bounds": bounds,
            "attribution": ATTRIBUTION,
        }},
        "layers": drawn,
    }


@require_safe
def style_view(request: HttpRequest) -> HttpResponse:
    """The MapLibre style JSON (`?lang=th` for Thai titles)."""
    lang = "th" if request.GET.get("lang") == "th" else "en"
    version = max(layer_versions([layer.id for layer in style_layers()]).values())
    etag = f'"style-{lang}-{version}"'
    if etag_matches(request.META.get("HTTP_IF_NONE_MATCH"), etag):
        response = HttpResponse(status=304)
    else:
        response = JsonResponse(maplibre_style(request, lang), json_dumps_params={"ensure_ascii": False})
    response["ETag"] = etag
    response["Cache-Control"] = REVALIDATE
    response["Access-Control-Allow-Origin"] = "*"
    return response
