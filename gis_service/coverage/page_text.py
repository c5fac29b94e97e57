"""The planners' page words, written once in English; Thai comes from the gettext catalogue (locale/th/)."""
from django.utils.translation import gettext_lazy as _

from gis_service.i18n import in_language

WORDS = {
    "title": _("Coverage for planners"),
    "intro": _("Who is within reach of a serving site, where the gaps are, and where to build next."),
    "layer": _("Programme"),
    "radius": _("Service radius (m)"),
    "level": _("Units"),
    "area": _("Area (admin code)"),
    "population": _("Population raster"),
    "none": _("None (land area)"),
    "show": _("Show"),
    "province": _("Province"),
    "district": _("District"),
    "subdistrict": _("Subdistrict"),
    "computing": _("Computing… this page reloads when the results are ready."),
    "summary": _("Summary"),
    "nation": _("Thailand"),
    "this_area": _("This area"),
    "least_covered": _("Least-covered units"),
    "code": _("Code"),
    "name": _("Name"),
    "sites": _("Serving sites"),
    "area_km2": _("Land (km²)"),
    "covered_share": _("Land covered"),
    "people": _("People"),
    "people_share": _("People covered"),
    "downloads": _("Downloads"),
    "units_csv": _("Units (CSV)"),
    "units_json": _("Units (JSON)"),
    "gaps": _("Gaps (GeoJSON)"),
    "proposals": _("Proposed sites (GeoJSON)"),
    "distance": _("Distance raster (GeoTIFF)"),
    "repairs": _("Repair priorities (JSON)"),
    "legend": _("Share of land within reach"),
    "legend_people": _("Share of people within reach"),
    "gap_layer": _("Uncovered land"),
    "proposal_layer": _("Proposed sites"),
    "gain": _("Gain"),
    "per_100km2": _("Sites per 100 km²"),
}
# The switch names the other language in that language, so it is not translated.
OTHER_LANGUAGE = {"en": "ภาษาไทย", "th": "English"}


def text_for(language: str) -> dict[str, str]:
    """The page's words in a language (English when unknown)."""
    language = language if language in OTHER_LANGUAGE else "en"
    return {key: in_language(text, language) for key, text in WORDS.items()} | {"language": OTHER_LANGUAGE[language]}
