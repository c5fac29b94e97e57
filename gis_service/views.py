"""The landing page: what the service holds and where to go next."""
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from gis_service.geography.models import Province, Subdistrict
from gis_service.i18n import english, thai
from gis_service.programmes.registry import PROGRAMMES


def home(request: HttpRequest) -> HttpResponse:
    """Counts of boundaries and published sites, with links to the service's parts."""
    programmes = [
        {"name": english(programme.title), "name_th": thai(programme.title),
         "count": programme.model.objects.filter(published=True).count()}
        for programme in PROGRAMMES
    ]
    context = {
        "province_count": Province.objects.count(),
        "subdistrict_count": Subdistrict.objects.count(),
        "programmes": programmes,
    }
    return render(request, "home.html", context)
