"""The coverage API's renderer of the service's errors: `error`, `status` and the `field` to correct."""
from django.http import JsonResponse

from gis_service.errors import Conflict, InvalidInput, NotFound, ServiceError

__all__ = ["CoverageError", "InvalidInput", "NotFound", "NotReady", "error_response"]

# The coverage app catches every error of the shared vocabulary under its old name.
CoverageError = ServiceError


class NotReady(Conflict):
    """A job's result asked for before the job finished."""

    code = "not_ready"


def error_response(error: ServiceError) -> JsonResponse:
    """The JSON body every coverage error is answered with (in English, as the coverage API answers)."""
    body: dict = {"error": error.message_en, "status": error.status}
    if error.field:
        body["field"] = error.field
    response = JsonResponse(body, status=error.status, json_dumps_params={"ensure_ascii": False})
    for header, value in error.headers().items():
        response[header] = value
    return response
