"""Liveness and readiness: is the database there, and which PostgreSQL and PostGIS."""
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse

from gis_service.errors import database_unavailable, first_line


def healthz(request: HttpRequest) -> JsonResponse:
    """200 with the database and PostGIS versions, or 503 when the database cannot be reached."""
    try:
        with connection.cursor() as cursor:
            # postgis_full_version() probes GDAL and PROJ and takes ~0.5 s; these two are instant.
            cursor.execute("SELECT current_setting('server_version'), postgis_lib_version(), postgis_version()")
            server_version, postgis_version, postgis_build = cursor.fetchone()
    except DatabaseError as exc:
        error = database_unavailable(exc)
        # Monitors read `status` and `database`; `detail` is the database's own reason, for whoever is on call.
        response = JsonResponse(
            {"status": "unavailable", "database": "unreachable", "detail": first_line(exc)},
            status=error.status,
        )
        for header, value in error.headers().items():
            response[header] = value
        return response
    return JsonResponse(
        {
            "status": "ok",
            "database": {"postgresql": server_version, "postgis": postgis_version, "postgis_build": postgis_build},
        }
    )
