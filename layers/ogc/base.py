"""What every OGC API view shares: authentication, format negotiation, links and the error mapping."""
import datetime as dt
import json

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from rest_framework import exceptions as drf_exceptions
from rest_framework.authentication import BasicAuthentication, SessionAuthentication, TokenAuthentication
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from gis_service.errors import DATABASE_UNAVAILABLE_ERRORS, database_unavailable
from layers.ogc.errors import (
    Forbidden,
    InvalidParameter,
    MethodNotAllowed,
    NotAuthenticated,
    NotFound,
    OgcError,
    error_response,
)
from layers.registry import UnknownLayer

GEOJSON = "application/geo+json"
JSON = "application/json"
HTML = "text/html"
OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.0"


class AnyContent(BaseContentNegotiation):
    """Formats are chosen by `choose_format`, so DRF must never answer 406 on its own."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return JSONRenderer(), JSON


class OgcView(APIView):
    """A DRF view (session, HTTP Basic and token sign-in) whose errors are OGC exception bodies."""

    authentication_classes = [SessionAuthentication, BasicAuthentication, TokenAuthentication]
    permission_classes: list = []
    content_negotiation_class = AnyContent
    formats: tuple[str, ...] = ("json", "html")
    # The OGC API has its own OpenAPI document (/ogc/api), generated from the registry; keep it
    # out of drf-spectacular's /api/schema/, which documents the field and coverage APIs.
    schema = None

    def handle_exception(self, exc: Exception) -> HttpResponse:
        """Map our errors, DRF's sign-in errors and a lost database to OGC exception responses; others propagate."""
        if isinstance(exc, DATABASE_UNAVAILABLE_ERRORS):
            exc = database_unavailable(exc)
        elif isinstance(exc, UnknownLayer):
            exc = NotFound(str(exc))
        elif isinstance(exc, drf_exceptions.NotAuthenticated | drf_exceptions.AuthenticationFailed):
            exc = NotAuthenticated(f"Sign-in failed: {exc.detail}")
        elif isinstance(exc, drf_exceptions.PermissionDenied):
            exc = Forbidden(str(exc.detail))
        elif isinstance(exc, drf_exceptions.MethodNotAllowed):
            exc = MethodNotAllowed(f"{exc.detail} Reading uses GET; writing uses POST, PUT, PATCH or DELETE on items.")
        elif isinstance(exc, drf_exceptions.ParseError):
            exc = InvalidParameter(str(exc.detail))
        if isinstance(exc, OgcError):
            return error_response(exc)
        return super().handle_exception(exc)

    def choose_format(self, request: HttpRequest) -> str:
        """`f=` wins; otherwise HTML only for browsers that ask for it, else JSON."""
        requested = request.GET.get("f")
        if requested is not None:
            if requested not in self.formats:
                raise InvalidParameter(f"Unsupported format f={requested}: use one of {', '.join(self.formats)}.")
            return requested
        accept = request.META.get("HTTP_ACCEPT", "")
        if HTML in accept and "json" not in accept.split(HTML)[0]:
            return "html"
        return "json"


def base_url(request: HttpRequest) -> str:
    """Absolute URL of the OGC API root, without a trailing slash."""
    return request.build_absolute_uri("/ogc").rstrip("/")


def now_iso() -> str:
    """The current UTC time in RFC 3339 with a Z."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def link(href: str, rel: str, media_type: str, title: str) -> dict:
    """One OGC API link object."""
    return {"href": href, "rel": rel, "type": media_type, "title": title}


def json_response(document: dict, media_type: str = JSON, status: int = 200) -> HttpResponse:
    """A JSON document as UTF-8 (Thai stays readable)."""
    body = json.dumps(document, ensure_ascii=False, default=str)
    return HttpResponse(body, content_type=f"{media_type}; charset=utf-8" if ";" not in media_type else media_type,
                        status=status)


def html_response(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    """An HTML page of the OGC API."""
    return render(request, f"layers/ogc/{template}", context)
