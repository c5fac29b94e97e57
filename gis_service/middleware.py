"""Service-wide answer to errors no API answered itself: a lost database is a 503 + Retry-After, not a 500."""
from django.http import HttpRequest, HttpResponse

from gis_service.errors import DATABASE_UNAVAILABLE_ERRORS, ServiceError, database_unavailable, error_response


class DatabaseUnavailableMiddleware:
    """A database restart is a moment to wait, not a server error: clients are told to retry."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """Answer a lost database, or a domain error a plain view let through; anything else stays a 500."""
        if isinstance(exception, DATABASE_UNAVAILABLE_ERRORS):
            return error_response(database_unavailable(exception))
        if isinstance(exception, ServiceError):
            return error_response(exception)
        return None
