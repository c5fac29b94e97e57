"""The phone page (an offline-capable web app), its assets and service worker, and the reviewer's page."""
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from gis_service.fieldwork.page_text import REVIEW_WORDS, words_by_language
from gis_service.fieldwork.programmes import FIELD_PROGRAMMES, form_description

ASSETS_DIR = Path(__file__).resolve().parent / "static" / "fieldwork"
# The assets the phone page loads; served from here (not a CDN) so the service worker can keep them offline.
ASSET_TYPES = {"app.js": "text/javascript", "app.css": "text/css", "review.js": "text/javascript",
               "icon.svg": "image/svg+xml"}


@require_GET
def phone_form(request: HttpRequest) -> HttpResponse:
    """The mobile-first registration page; programmes are embedded so it works with no network."""
    context = {"programmes": [form_description(p) for p in FIELD_PROGRAMMES.values()], "words": words_by_language()}
    response = render(request, "fieldwork/form.html", context)
    # The service worker decides when the cached copy is used; the browser cache must not get in its way.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The service worker, served under /field/ so that its scope is the phone page."""
    response = HttpResponse((ASSETS_DIR / "sw.js").read_bytes(), content_type="text/javascript")
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/field/"
    return response


@require_GET
def asset(request: HttpRequest, name: str) -> HttpResponse:
    """One of the page's own scripts, styles or icons."""
    if name not in ASSET_TYPES:
        raise Http404(name)
    response = HttpResponse((ASSETS_DIR / name).read_bytes(), content_type=ASSET_TYPES[name])
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
@login_required(login_url="/field/login/")
def review_page(request: HttpRequest) -> HttpResponse:
    """The reviewer's queue: each submission on a map with nearby sites, its photos, and the decisions."""
    return render(request, "fieldwork/review.html", {"words": words_by_language(REVIEW_WORDS)})
