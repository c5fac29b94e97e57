"""The public web map, built with folium: vector-tile layers per programme over our own boundaries.

folium writes the page and the Leaflet map; `static/maps/public_map.js` adds the vector-tile layers
(Leaflet.VectorGrid), the legend, the search and the popups. Every script and style sheet is a local
static file: folium's CDN defaults are replaced, so the map works with no internet.
"""
import json

import folium
from branca.element import Element, MacroElement
from django.http import HttpRequest
from django.templatetags.static import static
from django.utils.translation import gettext_lazy as _
from folium.elements import JSCSSMixin
from jinja2 import Template

from gis_service.geography.constants import BUDDHIST_ERA_OFFSET
from gis_service.i18n import in_language
from gis_service.programmes.models import Status
from layers.registry import Layer, get_layer, list_layers
from layers.versions import layer_versions

# The middle of Thailand and a zoom that shows all of it on a phone.
CENTRE_LATLON = (13.0, 101.0)
START_ZOOM = 6
MIN_ZOOM = 5
MAX_ZOOM = 18
BASE_LAYER_IDS = ("provinces", "districts")
LANGUAGES = ("en", "th")

# The page's words, written once in English; Thai comes from the gettext catalogue (locale/th/).
WORDS = {
    "title": _("DLA programmes map"),
    "heading": _("Programmes of local administrative organisations"),
    "boundaries": _("Provinces and districts"),
    "legend": _("Programmes"),
    "search": _("Search a province or district"),
    "no_match": _("No province or district of that name"),
    "zoom_in": _("sites here: zoom in to see them"),
    "status": _("Status"),
    "year": _("Programme year"),
    "lao": _("Responsible LAO"),
    "province": _("Province"),
    "district": _("District"),
    "code": _("Code"),
    "details": _("Full record"),
    "lao_page": _("Its LAO's sites"),
    "loading": _("Loading…"),
    "failed": _("The details could not be loaded; try again."),
    "province_word": _("Province"),
    "district_word": _("District"),
    "many_sites": _("sites"),
    "cluster_hint": _("Merged at this zoom"),
}
# The switch names the other language in that language, so it is not translated.
OTHER_LANGUAGE = {"en": "ไทย", "th": "English"}


def words(lang: str) -> dict[str, str]:
    """The page's words in one language."""
    return {key: in_language(text, lang) for key, text in WORDS.items()} | {"other_language": OTHER_LANGUAGE[lang]}


class PublicMapScripts(JSCSSMixin, MacroElement):
    """Loads VectorGrid and the page script (after Leaflet) and starts them on the folium map."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            window.publicMap = initPublicMap({{ this._parent.get_name() }}, {{ this.config_json }});
        {% endmacro %}
    """)

    def __init__(self, config: dict):
        super().__init__()
        self._name = "PublicMapScripts"
        # "</" could close the page's <script> element early.
        self.config_json = json.dumps(config, ensure_ascii=False).replace("</", "<\\/")
        self.default_js = [
            ("vectorgrid", static("maps/vendor/Leaflet.VectorGrid.bundled.min.js")),
            ("public_map", static("maps/public_map.js")),
        ]
        self.default_css = [("public_map_css", static("maps/public_map.css"))]


def _tile_url(layers: list[Layer], version: int) -> str:
    ids = ",".join(layer.id for layer in layers)
    return f"/tiles/{ids}/{{z}}/{{x}}/{{y}}.mvt?v={version}"


def map_config(lang: str) -> dict:
    """What the page script needs: layers with versioned tile URLs, styles, texts, endpoints."""
    programmes = list_layers(programmes_only=True)
    base = [get_layer(layer_id) for layer_id in BASE_LAYER_IDS]
    versions = layer_versions([layer.id for layer in programmes + base])
    return {
        "lang": lang,
        "minZoom": MIN_ZOOM,
        "maxZoom": MAX_ZOOM,
        "text": words(lang),
        "statusLabels": {value: in_language(label, lang) for value, label in Status.choices},
        # Thai readers see years in the Buddhist Era.
        "buddhistEraOffset": BUDDHIST_ERA_OFFSET,
        "boundaries": {
            "url": _tile_url(base, max(versions[layer.id] for layer in base)),
            "maxNativeZoom": max(layer.maxzoom for layer in base),
            "layers": {layer.id: {"colour": layer.style.colour, "weight": layer.style.line_width_px} for layer in base},
        },
        "programmes": [{
            "id": layer.id,
            "title": layer.title_th if lang == "th" else layer.title_en,
            "colour": layer.style.colour,
            "symbol": layer.style.symbol,
            "geometry": layer.geometry_type,
            "lineWidth": layer.style.line_width_px,
            "url": _tile_url([layer], versions[layer.id]),
            "minZoom": layer.minzoom,
            "maxNativeZoom": layer.maxzoom,
            "idField": layer.id_field,
        } for layer in programmes],
        "itemUrl": "/ogc/collections/{layer}/items/{id}",
        "placesUrl": f"/map/places.json?lang={lang}",
        "otherLanguageUrl": f"/map/?lang={'en' if lang == 'th' else 'th'}",
    }


def build_public_map(request: HttpRequest, lang: str) -> str:
    """The whole page as HTML."""
    page_map = folium.Map(
        location=CENTRE_LATLON, zoom_start=START_ZOOM, min_zoom=MIN_ZOOM, max_zoom=MAX_ZOOM,
        tiles=None, control_scale=True, zoom_control=True,
    )
    # Local Leaflet from django-leaflet's static files instead of folium's CDN defaults.
    page_map.default_js = [("leaflet", static("leaflet/leaflet.js"))]
    page_map.default_css = [("leaflet_css", static("leaflet/leaflet.css"))]
    root = page_map.get_root()
    root.header.add_child(Element(
        f'<title>{in_language(WORDS["title"], lang)}</title>'
        # No favicon request (it would 404 in the browser console).
        '<link rel="icon" href="data:,">'
    ))
    root.html.add_child(Element(f'<h1 class="visually-hidden">{in_language(WORDS["heading"], lang)}</h1>'))
    page_map.add_child(PublicMapScripts(map_config(lang)))
    html = root.render()
    return html.replace("<html>", f'<html lang="{lang}">', 1)
