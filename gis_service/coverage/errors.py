"""The coverage app's domain errors and the one place they become HTTP responses."""
from django.http import JsonResponse


class CoverageError(Exception):
    """Base of every error the coverage app reports to a person; `status` is its HTTP status."""

    status = 500

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class InvalidInput(CoverageError):
    """An input a person gave is wrong (radius, layer, admin code, polygon, raster)."""

    status = 400


class NotFound(CoverageError):
    """A job or result that does not exist (or no longer exists)."""

    status = 404


class NotReady(CoverageError):
    """A job's result asked for before the job finished."""

    status = 409


def error_response(error: CoverageError) -> JsonResponse:
    """The JSON body every coverage error is answered with."""
    body: dict = {"error": error.message, "status": error.status}
    if error.field:
        body["field"] = error.field
    return JsonResponse(body, status=error.status, json_dumps_params={"ensure_ascii": False})
