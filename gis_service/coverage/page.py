"""The planners' page /coverage/: a folium choropleth of coverage, the gaps, proposed sites and a table.

Leaflet comes from django-leaflet's static files and d3 (for folium's legend) is vendored in this
app: the page loads nothing from outside the service.
"""
import json
from urllib.parse import urlencode

import folium
from branca.element import CssLink, JavascriptLink
from django.db import connection
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.templatetags.static import static

from gis_service.accounts.permissions import can_see_unpublished
from gis_service.coverage.errors import CoverageError
from gis_service.coverage.jobs import KINDS, answer
from gis_service.coverage.models import CoverageJob
from gis_service.coverage.page_text import text_for
from gis_service.coverage.params import LEVELS, CoverageParams, parse_params
from gis_service.coverage.population import KNOWN_RASTERS, parse_population
from gis_service.coverage.sources import site_layers

PAGE_DEFAULTS = {"area": "TH90", "level": "subdistrict", "radius_m": "1000", "population": "region12_under5",
                 "count": "5"}
SIMPLIFY_DEGREES = {"province": 0.01, "district": 0.003, "subdistrict": 0.0005}
TABLE_ROWS = 20

UNIT_SHAPES_SQL = """
SELECT code, ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, %(tolerance)s), 5) FROM {table}
WHERE code LIKE %(prefix)s
"""


def _language(request: HttpRequest) -> str:
    language = request.GET.get("lang") or getattr(request, "LANGUAGE_CODE", "en")
    return "th" if language.startswith("th") else "en"


def _unit_shapes(params: CoverageParams) -> dict:
    """Simplified unit boundaries of the level within the area, as a FeatureCollection."""
    table = LEVELS[params.level]._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(UNIT_SHAPES_SQL.format(table=table),
                       {"tolerance": SIMPLIFY_DEGREES[params.level], "prefix": (params.area_code or "") + "%"})
        rows = cursor.fetchall()
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"code": code}, "geometry": json.loads(geometry)} for code, geometry in rows
    ]}


def local_map(**kwargs) -> folium.Map:
    """A folium map whose Leaflet comes from the service's own static files."""
    fmap = folium.Map(tiles=None, **kwargs)
    fmap.default_js = [("leaflet", static("leaflet/leaflet.js"))]
    fmap.default_css = [("leaflet_css", static("leaflet/leaflet.css"))]
    return fmap


def build_map(params: CoverageParams, units: dict, gaps: dict | None, proposals: dict | None, words: dict,
              language: str) -> dict[str, str]:
    """The map's header, body and script, ready to place in the page."""
    fmap = local_map(location=[13.0, 101.0], zoom_start=6, control_scale=True)
    shapes = _unit_shapes(params)
    people = bool(params.population)
    value_key = "population_covered_share" if people else "covered_share"
    values = {u["code"]: (u.get(value_key) or 0.0) for u in units["units"]}
    names = {u["code"]: u["name_th" if language == "th" else "name_en"] for u in units["units"]}
    for feature in shapes["features"]:
        code = feature["properties"]["code"]
        feature["properties"].update(name=names.get(code, code), share=f"{100 * values.get(code, 0):.1f} %")
    choropleth = folium.Choropleth(
        geo_data=shapes, data=values, key_on="feature.properties.code", fill_color="YlGnBu", fill_opacity=0.75,
        line_opacity=0.4, line_weight=0.6, bins=[0, 0.05, 0.1, 0.2, 0.4, 0.7, 1.0001], nan_fill_color="#cccccc",
        legend_name=words["legend_people" if people else "legend"], name=words["legend_people" if people else "legend"],
    ).add_to(fmap)
    folium.GeoJsonTooltip(fields=["code", "name", "share"], aliases=[words["code"], words["name"], "%"]).add_to(
        choropleth.geojson)
    if gaps and gaps["features"]:
        folium.GeoJson(gaps, name=words["gap_layer"], style_function=lambda _: {
            "fillColor": "#d7301f", "color": "#d7301f", "weight": 0.5, "fillOpacity": 0.35}).add_to(fmap)
    if proposals and proposals["features"]:
        layer = folium.FeatureGroup(name=words["proposal_layer"]).add_to(fmap)
        gain_key = f"marginal_gain_{proposals['gain_unit']}"
        for feature in proposals["features"]:
            lon, lat = feature["geometry"]["coordinates"]
            props = feature["properties"]
            lao = (props.get("lao_name_th") if language == "th" else props.get("lao_name_en")) or props.get(
                "lao_name_th")
            builder = f" {lao} ({props['lao']})," if props.get("lao") else ""
            folium.CircleMarker(
                [lat, lon], radius=7, color="#ffffff", weight=2, fill=True, fill_color="#e6550d", fill_opacity=1,
                tooltip=f"#{props['rank']}{builder} {words['gain']}: {props[gain_key]:,.1f} {proposals['gain_unit']}",
            ).add_to(layer)
    folium.LayerControl(collapsed=False).add_to(fmap)
    if shapes["features"]:
        fmap.fit_bounds(_bounds(shapes))
    figure = fmap.get_root()
    fmap.render()
    figure.header.add_child(JavascriptLink(static("coverage/vendor/d3-3.5.5/d3.min.js")), name="d3")
    _refuse_outside_links(figure)
    return {"header": figure.header.render(), "html": figure.html.render(), "script": figure.script.render()}


def _refuse_outside_links(figure) -> None:
    """Fail loudly if a folium or branca update brings back a link to a CDN."""
    for name, child in figure.header._children.items():
        url = getattr(child, "url", "")
        if isinstance(child, (JavascriptLink, CssLink)) and url.startswith(("http:", "https:", "//")):
            raise RuntimeError(f"{name} would load from {url}: vendor it and link the local copy")


def _bounds(shapes: dict) -> list[list[float]]:
    xs, ys = [], []

    def walk(coordinates):
        if isinstance(coordinates[0], (int, float)):
            xs.append(coordinates[0])
            ys.append(coordinates[1])
        else:
            for part in coordinates:
                walk(part)

    for feature in shapes["features"]:
        walk(feature["geometry"]["coordinates"])
    return [[min(ys), min(xs)], [max(ys), max(xs)]]


def coverage_page(request: HttpRequest) -> HttpResponse:
    """The planners' page: form, map, summaries, least-covered units and downloads."""
    language = _language(request)
    words = text_for(language)
    query = QueryDict(mutable=True)
    query.update({**PAGE_DEFAULTS, **{k: v for k, v in request.GET.items()}})
    context = {"words": words, "language": language, "query": query, "layers": site_layers().values(),
               "rasters": KNOWN_RASTERS, "levels": list(LEVELS), "other_language": "en" if language == "th" else "th"}
    try:
        params = parse_params(query, published_only=not can_see_unpublished(request.user),
                              population=parse_population(query.get("population")))
        kinds = ["units"] + (["gaps", "proposals"] if params.has_area else [])
        outcomes = {kind: answer(KINDS[kind], params)[0] for kind in kinds}
    except CoverageError as exc:
        context["error"] = exc.message
        return render(request, "coverage/page.html", context, status=exc.status)
    pending = [o for o in outcomes.values() if isinstance(o, CoverageJob)]
    api_query = urlencode({k: v for k, v in query.items() if k not in ("lang",) and v})
    context.update(params=params, api_query=api_query)
    if pending:
        context["jobs"] = [{"id": str(job.id), "kind": job.kind} for job in pending]
        return render(request, "coverage/page.html", context, status=202)
    results = {kind: json.loads(bytes(outcome.payload)) for kind, outcome in outcomes.items()}
    units = results["units"]
    context.update(
        map=build_map(params, units, results.get("gaps"), results.get("proposals"), words, language),
        summary=units["summary"], rows=units["units"][:TABLE_ROWS], people=bool(params.population),
        name_key="name_th" if language == "th" else "name_en",
    )
    return render(request, "coverage/page.html", context)
