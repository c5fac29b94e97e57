"""WSGI entry point, served by gunicorn.

Plain public tile requests are answered by the tile fast path (layers/tiles/wsgi.py) before Django's
request handling; every other request goes to Django.
"""
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis_service.settings")
application = get_wsgi_application()

from layers.tiles.wsgi import TileFastPath  # noqa: E402  (needs Django set up)

application = TileFastPath(application)
