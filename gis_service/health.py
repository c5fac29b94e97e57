"""Liveness and readiness: is the database there, and which PostgreSQL and PostGIS."""
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse


def healthz(request: HttpRequest) -> JsonResponse:
    """200 with the database and PostGIS versions, or 503 when the database cannot be reached."""
    try:
        with connection.cursor() as cursor:
            # postgis_full_version() probes GDAL and PROJ and takes ~0.5 s; these two are instant.
            cursor.execute("SELECT current_setting('server_version'), postgis_lib_version(), postgis_version()")
            server_version, postgis_version, postgis_build = cursor.fetchone()
    except DatabaseError as exc:
        connection.close_if_unusable_or_obsolete()
        response = JsonResponse(
            {"status": "unavailable", "database": "unreachable", "detail": str(exc).strip().splitlines()[0]},
            status=503,
        )
        response["Retry-After"] = "5"
        return response
    return JsonResponse(
        {
            "status": "ok",
            "database": {"postgresql": server_version, "postgis": postgis_version, "postgis_build": postgis_build},
        }
    )
