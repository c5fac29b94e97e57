"""Shared fixtures: a test database holding real boundaries, the DLA's LAO register and a generated dataset, and a
real gunicorn server on it for HTTP clients (GDAL, OWSLib, browsers).

The database holds the whole country and the national dataset (seed 42) when any selected test is marked
`national`; otherwise only two provinces (Nakhon Ratchasima and Songkhla) with a small dataset, which is
quick to build (`bin/test -m "not national"` for the quickest run; slow tests count as national).

Do not use pytest-django's transactional_db or live_server: they empty every table after each
test, boundaries included. Use `live_service` for a real server on the test database instead.
"""
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from django.core.management import call_command
from django.db import connection

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"
# Fixtures that start servers or browsers: a test using one is slow, whatever its module says.
SLOW_FIXTURES = {"live_service", "fresh_database"}


# The small fixture: two real provinces, one in each UTM zone's reach of the tests (Korat in the north-east,
# Songkhla in the far south where the population raster lies), and a dataset of 2 % of the national figures.
SMALL_PROVINCES = ("TH30", "TH90")
SMALL_SCALE = 0.02


def pytest_collection_modifyitems(config, items) -> None:
    """Markers applied by rule (browser or server-starting tests are `slow`); note whether national data is needed."""
    for item in items:
        if item.get_closest_marker("browser") or SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
        if item.get_closest_marker("slow"):
            # Servers, browsers and set-up run against the national dataset, as users see it.
            item.add_marker(pytest.mark.national)
    config.needs_national_data = any(item.get_closest_marker("national") for item in items)


@pytest.fixture(scope="session")
def django_db_setup(request, django_db_setup, django_db_blocker):
    """The test database with real boundaries, the DLA's LAO register and a generated dataset (seed 42), national
    or small."""
    from gis_service.geography.boundaries import boundaries_loaded, load_boundaries
    from gis_service.geography.lao_register import load_register, register_present
    from gis_service.geography.models import Province
    from gis_service.programmes.dataset import generate_dataset, missing_programmes

    national = getattr(request.config, "needs_national_data", True)
    with django_db_blocker.unblock():
        if national:
            if Province.objects.exists() and not boundaries_loaded():
                pytest.exit("The reused test database holds the small fixture; national tests need --create-db.")
            call_command("load_boundaries", verbosity=0)
            call_command("load_lao_register", verbosity=0)
            call_command("generate_national_dataset", seed=42, scale=1, if_missing=True, verbosity=0)
        elif not Province.objects.exists():
            load_boundaries(provinces_only=SMALL_PROVINCES)
        if not national:
            if not register_present():
                load_register(provinces=SMALL_PROVINCES)
            missing = missing_programmes()
            if missing:
                generate_dataset(42, SMALL_SCALE, programmes=missing)


def database_url() -> str:
    """URL of the test database, for processes started by the tests."""
    s = connection.settings_dict
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def live_service(django_db_setup, django_db_blocker):
    """Base URL of gunicorn serving the app on the test database (data must be committed to be seen)."""
    with django_db_blocker.unblock():
        url = database_url()
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "DEBUG": "0", "ALLOWED_HOSTS": "127.0.0.1,localhost",
           "SECRET_KEY": "test-secret-key-for-the-live-service-0123456789abcdef", "CONN_MAX_AGE": "0"}
    log = open(ARTIFACTS.mkdir(exist_ok=True) or ARTIFACTS / "gunicorn.log", "w")
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "gis_service.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", "2", "--timeout", "120"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):  # workers still booting
                pass
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"gunicorn did not start; see {ARTIFACTS / 'gunicorn.log'}")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


def get_with_database_down(path: str) -> tuple[int, dict, str | None]:
    """GET a path in a separate process whose database is a closed port: the real failure, not a mock."""
    script = (
        "import django, json, sys; django.setup(); from django.test import Client; "
        "r = Client(HTTP_HOST='127.0.0.1').get(sys.argv[1]); "
        "print(json.dumps([r.status_code, r.json(), r.get('Retry-After')]))"
    )
    env = {**os.environ, "DATABASE_URL": f"postgres://nobody:x@127.0.0.1:{free_port()}/nowhere",
           "DJANGO_SETTINGS_MODULE": "gis_service.settings"}
    result = subprocess.run([sys.executable, "-c", script, path], env=env, capture_output=True, text=True, timeout=60)
    return tuple(json.loads(result.stdout.strip().splitlines()[-1]))
