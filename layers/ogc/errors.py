"""The OGC API's names for the service's errors; they are answered with its exception body (`error_response`).

The kinds and their statuses are the service's own (gis_service/errors.py); the OGC API names a
few more precisely. Stable codes are spelled as OGC exception codes are in the body
(`invalid_parameter_value` -> `InvalidParameterValue`).
"""
from gis_service.errors import (
    Forbidden,
    InvalidInput,
    MethodNotAllowed,
    NotAuthenticated,
    NotFound,
    PreconditionFailed,
    ServiceError,
    ServiceFault,
    UnsupportedMediaType,
    error_response,
)

__all__ = [
    "ExportFailed", "Forbidden", "InvalidParameter", "MethodNotAllowed", "NotAcceptable", "NotAuthenticated",
    "NotFound", "OgcError", "PreconditionFailed", "UnknownParameter", "UnsupportedMediaType", "error_response",
]

# Every error the OGC views and tiles answer is one of the service's.
OgcError = ServiceError


class InvalidParameter(InvalidInput):
    """A query parameter or body that cannot be understood."""

    code = "invalid_parameter_value"


class UnknownParameter(InvalidInput):
    """A query parameter the API does not define."""

    code = "unknown_parameter"


class NotAcceptable(InvalidParameter):
    """An `f=` format the resource does not offer (a 400, by OGC convention for `f`)."""


class ExportFailed(ServiceFault):
    """GDAL could not write an export: a fault of ours, reported honestly."""

    code = "export_failed"
