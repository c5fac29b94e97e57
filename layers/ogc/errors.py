"""The OGC API's small error hierarchy, mapped to HTTP responses in one place (`error_response`)."""
from django.http import JsonResponse


class OgcError(Exception):
    """A request the API refuses; `code` is the OGC exception code, `status` the HTTP status."""

    status = 400
    code = "InvalidParameterValue"

    def __init__(self, description: str, code: str | None = None):
        super().__init__(description)
        self.description = description
        if code:
            self.code = code


class InvalidParameter(OgcError):
    """A query parameter or body that cannot be understood (400)."""


class UnknownParameter(OgcError):
    """A query parameter the API does not define (400)."""

    code = "UnknownParameter"


class NotFound(OgcError):
    """An unknown collection or feature (404)."""

    status = 404
    code = "NotFound"


class NotAuthenticated(OgcError):
    """A write by someone not signed in (401)."""

    status = 401
    code = "NotAuthenticated"


class Forbidden(OgcError):
    """A write by someone whose role or LAO does not allow it (403)."""

    status = 403
    code = "Forbidden"


class MethodNotAllowed(OgcError):
    """A method the resource does not support, e.g. writing to a boundary layer (405)."""

    status = 405
    code = "MethodNotAllowed"


class PreconditionFailed(OgcError):
    """An If-Match ETag that no longer matches the feature (412)."""

    status = 412
    code = "PreconditionFailed"


class UnsupportedMediaType(OgcError):
    """A write body that is not GeoJSON (415)."""

    status = 415
    code = "UnsupportedMediaType"


class NotAcceptable(OgcError):
    """An `f=` format the resource does not offer (400 by OGC convention for `f`)."""

    code = "InvalidParameterValue"


class ExportFailed(OgcError):
    """GDAL could not write an export: a fault of ours, reported honestly (500)."""

    status = 500
    code = "ExportFailed"


def error_response(error: OgcError) -> JsonResponse:
    """The OGC exception body (`code`, `description`) with the error's HTTP status."""
    response = JsonResponse({"code": error.code, "description": error.description}, status=error.status,
                            json_dumps_params={"ensure_ascii": False})
    if isinstance(error, NotAuthenticated):
        response["WWW-Authenticate"] = 'Basic realm="gis_service", Token'
    return response
