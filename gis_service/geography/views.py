"""An LAO's own page: who it is (from the DLA register), the subdistricts it serves and its sites by programme."""
from django.db.models import Count, Q, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.views.decorators.http import require_safe

from gis_service.geography.constants import to_buddhist_era
from gis_service.geography.models import LAO, LAOSubdistrict
from gis_service.maps.views import page_language
from gis_service.programmes.models import Status
from layers.registry import get_layer

# Sites listed per programme on the page; the rest are a download away (the OGC collection filtered by LAO).
SITES_SHOWN = 50


def _site_row(site, lang: str) -> dict:
    thai = lang == "th"
    place = site.subdistrict
    return {"code": site.code, "name": (site.name_th if thai else site.name_en) or site.name_th,
            "status": site.get_status_display(),
            "year": to_buddhist_era(site.programme_year) if thai and site.programme_year else site.programme_year,
            "budget": site.budget_thb, "place": place.name_th if thai else place.name_en}


def _programme_section(programme_id: str, lao: LAO, user, lang: str) -> dict:
    layer = get_layer(programme_id)
    sites = layer.visible_queryset(user).filter(lao=lao)
    totals = sites.aggregate(
        count=Count("id"), budget=Sum("budget_thb"),
        operational=Count("id", filter=Q(status=Status.OPERATIONAL)))
    rows = (sites.select_related("subdistrict").order_by("-programme_year", "code")
            .only("code", "name_th", "name_en", "status", "programme_year", "budget_thb", "subdistrict__name_th",
                  "subdistrict__name_en", "subdistrict__code")[:SITES_SHOWN])
    return {"title": layer.title, "totals": totals, "sites": [_site_row(site, lang) for site in rows],
            "items_url": f"/ogc/collections/{layer.id}/items?lao={lao.code}"}


@require_safe
def lao_page(request: HttpRequest, code: str) -> HttpResponse:
    """`/laos/<code>/`: an LAO of the register, its served area and its sites, in Thai (first) or English."""
    from layers.registry import list_layers

    lang = page_language(request)
    lao = get_object_or_404(LAO.objects.select_related("province", "district"), code=code)
    served = (LAOSubdistrict.objects.filter(lao=lao).select_related("subdistrict__district")
              .order_by("subdistrict__code"))
    with translation.override(lang):
        context = {
            "language": lang, "other_language": "en" if lang == "th" else "th", "lao": lao,
            "kind": lao.get_kind_display(), "served": [
                {"row": row, "method": row.get_method_display()} for row in served],
            "programmes": [_programme_section(layer.id, lao, request.user, lang)
                           for layer in list_layers(programmes_only=True)],
            "sites_shown": SITES_SHOWN,
        }
        response = render(request, "geography/lao.html", context)
    response["Content-Language"] = lang
    return response
