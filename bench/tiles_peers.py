"""Peers for bench/tiles_throughput.py: tipg 1.6.1 and django-vectortiles 1.0.2, on the same database.

Both are installed only in a separate venv (default /work/peers-tiles, never in requirements.txt):
    python3.11 -m venv /work/peers-tiles
    /work/peers-tiles/bin/pip install tipg==1.6.1 django-vectortiles==1.0.2 "uvicorn[standard]" gunicorn \
        psycopg2-binary "Django>=5.2,<5.3"
django-vectortiles needs a Django project: a minimal one is written into the venv folder here, with an
unmanaged model over programmes_groundwaterbank and the same published filter and tile fields as ours.
"""
import os
import subprocess
from pathlib import Path

TILE_FIELDS = ("code", "name_th", "name_en", "status", "programme_year")

DVT_FILES = {
    "dvt_project/__init__.py": "",
    "dvt_project/settings.py": '''"""Minimal Django project serving wells with django-vectortiles (benchmark peer)."""
import os
from urllib.parse import urlparse

_url = urlparse(os.environ["DATABASE_URL"])
SECRET_KEY = "benchmark-peer-only-not-secret-0123456789abcdefghijklmnop"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["django.contrib.gis", "vectortiles", "wells"]
MIDDLEWARE = []
ROOT_URLCONF = "dvt_project.urls"
DATABASES = {"default": {
    "ENGINE": "django.contrib.gis.db.backends.postgis", "NAME": _url.path.lstrip("/"),
    "USER": _url.username, "PASSWORD": _url.password, "HOST": _url.hostname, "PORT": _url.port or 5432,
    "CONN_MAX_AGE": int(os.environ.get("CONN_MAX_AGE", "60")),
}}
USE_TZ = True
SILENCED_SYSTEM_CHECKS = ["gis.W001"]
''',
    "dvt_project/urls.py": '''from django.urls import path

from wells.views import WellTileView

urlpatterns = [path("tiles/<int:z>/<int:x>/<int:y>", WellTileView.as_view())]
''',
    "dvt_project/wsgi.py": '''import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvt_project.settings")
application = get_wsgi_application()
''',
    "wells/__init__.py": "",
    "wells/models.py": '''from django.contrib.gis.db import models


class Well(models.Model):
    code = models.CharField(max_length=32)
    name_th = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    status = models.CharField(max_length=24)
    programme_year = models.IntegerField()
    published = models.BooleanField()
    geom = models.PointField(srid=4326)

    class Meta:
        managed = False
        db_table = "programmes_groundwaterbank"
''',
    "wells/views.py": f'''from vectortiles import VectorLayer
from vectortiles.views import MVTView

from wells.models import Well


class WellLayer(VectorLayer):
    model = Well
    id = "groundwater_banks"
    tile_fields = {TILE_FIELDS!r}
    min_zoom = 5
    max_zoom = 16

    def get_queryset(self):
        return Well.objects.filter(published=True)


class WellTileView(MVTView):
    layer_classes = [WellLayer]
''',
}


def write_dvt_project(peers_dir: Path) -> Path:
    """Write the django-vectortiles peer project into the peers folder; return its folder."""
    root = peers_dir / "dvt"
    for relative, text in DVT_FILES.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def start_dvt(peers_dir: Path, database_url: str, port: int, log: Path,
              worker_args: tuple[str, ...] = ()) -> subprocess.Popen:
    """django-vectortiles under gunicorn: 2 sync workers (or worker_args), persistent connections."""
    root = write_dvt_project(peers_dir)
    env = {**os.environ, "DATABASE_URL": database_url, "CONN_MAX_AGE": "60",
           "DJANGO_SETTINGS_MODULE": "dvt_project.settings"}
    return subprocess.Popen(
        [str(peers_dir / "bin" / "gunicorn"), "dvt_project.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", *worker_args],
        cwd=root, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )


def start_dvt_keepalive(peers_dir: Path, database_url: str, port: int, log: Path) -> subprocess.Popen:
    """django-vectortiles under the gunicorn settings ours runs with (gthread, 1 thread, keep-alive)."""
    return start_dvt(peers_dir, database_url, port, log,
                     ("--worker-class", "gthread", "--threads", "1", "--keep-alive", "5"))


def dvt_path(z: int, x: int, y: int) -> str:
    """URL path of one tile on the django-vectortiles peer."""
    return f"/tiles/{z}/{x}/{y}"


def start_tipg(peers_dir: Path, database_url: str, port: int, log: Path) -> subprocess.Popen:
    """tipg under uvicorn with 2 workers, catalogue of the public schema."""
    env = {**os.environ, "DATABASE_URL": database_url, "TIPG_DB_SCHEMAS": '["public"]'}
    return subprocess.Popen(
        [str(peers_dir / "bin" / "uvicorn"), "tipg.main:app", "--host", "127.0.0.1", "--port", str(port),
         "--workers", "2", "--log-level", "warning"],
        env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )


def tipg_path(z: int, x: int, y: int) -> str:
    """URL path of one tile on tipg, with the same published filter and tile fields as ours."""
    return (f"/collections/public.programmes_groundwaterbank/tiles/WebMercatorQuad/{z}/{x}/{y}"
            f"?properties={','.join(TILE_FIELDS)}&filter=published%3Dtrue")
