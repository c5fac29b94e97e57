"""Liveness and readiness: is the database there, and which PostgreSQL and PostGIS."""
from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse


def healthz(request: HttpRequest) -> JsonResponse:
    """200 with the database and PostGIS versions, or 503 when the database cannot be reached."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT current_setting('server_version'), postgis_lib_version(), postgis_full_version()")
            server_version, postgis_version, postgis_full = cursor.fetchone()
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
            "database": {"postgresql": server_version, "postgis": postgis_version, "postgis_full": postgis_full},
        }
    )
