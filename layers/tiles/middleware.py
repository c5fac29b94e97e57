"""A fast path for public tile requests, placed first in MIDDLEWARE.

A public tile depends on nothing but its URL and the data: no session, user, language, CSRF or
messages. Skipping those middlewares for it roughly doubles the rate at which cached tiles are
served, and keeps `Vary: Accept-Language` off tiles so shared caches hold one copy per URL.
Requests for unpublished sites (`include=unpublished`) need the signed-in user and take the full path.
"""
import re

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import InterfaceError, OperationalError

from gis_service.middleware import DatabaseUnavailableMiddleware
from layers.tiles.views import tile_view

TILE_PATH = re.compile(r"^/tiles/(?P<layers>[^/]+)/(?P<z>[^/]+)/(?P<x>[^/]+)/(?P<y>[^/]+?)\.mvt$")
SECURITY_HEADERS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}


class TileFastPathMiddleware:
    """Serve /tiles/{layers}/{z}/{x}/{y}.mvt for the public without the rest of the middleware stack."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        match = TILE_PATH.match(request.path_info)
        if (
            match is None
            or "include" in request.GET
            or (settings.SECURE_SSL_REDIRECT and not request.is_secure())
        ):
            return self.get_response(request)
        try:
            # The stack's CommonMiddleware would refuse a host not in ALLOWED_HOSTS; so do we.
            request.get_host()
        except DisallowedHost:
            return self.get_response(request)
        try:
            response = tile_view(request, **match.groupdict())
        except (OperationalError, InterfaceError) as error:
            # The same 503 + Retry-After the rest of the service answers when the database is away.
            return DatabaseUnavailableMiddleware(self.get_response).process_exception(request, error)
        for header, value in SECURITY_HEADERS.items():
            response.headers.setdefault(header, value)
        return response
