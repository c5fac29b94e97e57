"""The field API's renderer of the service's errors: every problem named by field, in English and Thai."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from gis_service.errors import (
    DATABASE_UNAVAILABLE_ERRORS,
    Conflict,
    Forbidden,
    InvalidInput,
    NotFound,
    ServiceError,
    database_unavailable,
)
from gis_service.i18n import by_language

__all__ = ["Conflict", "Forbidden", "NotFound", "Refused", "field_body", "field_exception_handler"]

# The field API's name for invalid input: the officer's submission or action is refused as sent.
Refused = InvalidInput

# DRF says what is wrong in English; these say it in Thai (the catalogue holds the Thai).
DRF_PROBLEMS: dict[str, Promise] = {
    "required": _("A value is required."),
    "null": _("A value is required."),
    "blank": _("A value is required."),
    "invalid": _("The value is not in a valid form."),
    "max_value": _("The value is too large."),
    "min_value": _("The value is too small."),
    "invalid_choice": _("The value is not one of the choices."),
    "max_length": _("The value is too long."),
    "not_authenticated": _("Sign in (send your token)."),
    "authentication_failed": _("The token is not valid: sign in again."),
    "permission_denied": _("You may not do this."),
    "parse_error": _("What was sent could not be read."),
    "unsupported_media_type": _("The format of what was sent is not supported."),
}
SOME_PROBLEM = _("The data is not valid.")


def field_body(error: ServiceError) -> dict:
    """The JSON body: a one-line summary and every problem, each in both languages."""
    problems = [
        {"field": problem.field or "non_field", "code": problem.code, "message_en": problem.message_en,
         "message_th": problem.message_th, **problem.details}
        for problem in error.problems
    ]
    return {
        "detail": " ".join(p["message_en"] for p in problems),
        "detail_th": " ".join(p["message_th"] for p in problems),
        "errors": problems,
    }


def problems_from_detail(detail, field: str = "non_field") -> list[ServiceError]:
    """Flatten DRF's nested error detail into problems: DRF's English, the Thai for its code."""
    if isinstance(detail, dict):
        return [p for key, value in detail.items() for p in problems_from_detail(value, key)]
    if isinstance(detail, list):
        return [p for item in detail for p in problems_from_detail(item, field)]
    code = getattr(detail, "code", "invalid")
    problem = by_language(str(detail), DRF_PROBLEMS.get(code, SOME_PROBLEM))
    message = problem if field == "non_field" else format_lazy("{field}: {problem}", field=field, problem=problem)
    return [ServiceError(message, code=code, field=field)]


def field_exception_handler(exc: Exception, context: dict) -> Response | None:
    """Render the service's errors, DRF's, Django's validation errors and a lost database as field bodies."""
    if isinstance(exc, DATABASE_UNAVAILABLE_ERRORS):
        exc = database_unavailable(exc)
    elif isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field": exc.messages}
        exc = Refused.many(problems_from_detail(detail))
    if isinstance(exc, ServiceError):
        return Response(field_body(exc), status=exc.status, headers=exc.headers())
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, drf.APIException):
        response.data = field_body(ServiceError.many(problems_from_detail(exc.detail)))
    return response
