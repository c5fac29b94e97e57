"""Service-wide mapping of a lost database connection to 503 + Retry-After instead of a 500."""
from django.db import InterfaceError, OperationalError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse

RETRY_AFTER_S = 5


class DatabaseUnavailableMiddleware:
    """A database restart is a moment to wait, not a server error: clients are told to retry."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, (OperationalError, InterfaceError)):
            return None
        # Drop the broken connection so the next request opens a fresh one.
        connection.close_if_unusable_or_obsolete()
        response = JsonResponse(
            {"code": "DatabaseUnavailable",
             "description": f"The database is unavailable for a moment: retry after {RETRY_AFTER_S} seconds."},
            status=503,
        )
        response["Retry-After"] = str(RETRY_AFTER_S)
        return response
