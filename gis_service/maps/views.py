"""Views of the maps app: the public web map and the place index its search uses."""
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

from gis_service.maps.public_map import LANGUAGES, build_public_map
from layers.versions import table_versions

PLACE_TABLES = ("geography_province", "geography_district")

PLACES_SQL = """
SELECT 'province' AS kind, p.code, p.name_th, p.name_en, p.code AS province,
       ST_XMin(p.geom::box2d), ST_YMin(p.geom::box2d), ST_XMax(p.geom::box2d), ST_YMax(p.geom::box2d)
FROM geography_province p
UNION ALL
SELECT 'district', d.code, d.name_th, d.name_en, p.code,
       ST_XMin(d.geom::box2d), ST_YMin(d.geom::box2d), ST_XMax(d.geom::box2d), ST_YMax(d.geom::box2d)
FROM geography_district d JOIN geography_province p ON p.id = d.province_id
ORDER BY 1 DESC, 2
"""


def page_language(request: HttpRequest) -> str:
    """`?lang=` when it names a language we have, else the browser's language (LocaleMiddleware)."""
    asked = request.GET.get("lang")
    if asked in LANGUAGES:
        return asked
    return "th" if getattr(request, "LANGUAGE_CODE", "en").startswith("th") else "en"


@require_safe
def public_map(request: HttpRequest) -> HttpResponse:
    """The public map of the programmes, in Thai or English."""
    lang = page_language(request)
    response = HttpResponse(build_public_map(request, lang), content_type="text/html; charset=utf-8")
    response["Content-Language"] = lang
    # The page names the tile versions, so it must be fetched again to see an edit.
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def places(request: HttpRequest) -> HttpResponse:
    """Provinces and districts with both names and their bounding boxes, for the map's search."""
    version = max(table_versions(PLACE_TABLES).values())
    etag = f'"places-{version}"'
    if request.META.get("HTTP_IF_NONE_MATCH") == etag:
        response = HttpResponse(status=304)
    else:
        with connection.cursor() as cursor:
            cursor.execute(PLACES_SQL)
            rows = cursor.fetchall()
        response = JsonResponse({"places": [
            {"kind": kind, "code": code, "name_th": name_th, "name_en": name_en, "province": province,
             "bbox": [round(value, 5) for value in box]}
            for kind, code, name_th, name_en, province, *box in rows
        ]}, json_dumps_params={"ensure_ascii": False})
    response["ETag"] = etag
    response["Cache-Control"] = "public, no-cache"
    return response
