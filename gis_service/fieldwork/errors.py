"""Field work's domain errors, each with a Thai and an English message, mapped to HTTP in one place."""
import logging

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import InterfaceError, OperationalError, connection
from rest_framework import exceptions as drf
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

log = logging.getLogger(__name__)

# How long a client should wait before retrying when the database is away (a restart takes seconds).
RETRY_AFTER_S = 5


class FieldError(Exception):
    """A problem the officer or reviewer can act on; `problems` lists (field, code, English, Thai)."""

    status = 400

    def __init__(self, field: str, code: str, message_en: str, message_th: str, **extra) -> None:
        super().__init__(message_en)
        self.problems = [{"field": field, "code": code, "message_en": message_en, "message_th": message_th, **extra}]

    @classmethod
    def many(cls, problems: list[dict]) -> "FieldError":
        """One error carrying several problems, so the officer can fix them all at once."""
        error = cls(**problems[0])
        error.problems = problems
        return error

    def body(self) -> dict:
        """The JSON body: a one-line summary and every problem in both languages."""
        return {
            "detail": " ".join(p["message_en"] for p in self.problems),
            "detail_th": " ".join(p["message_th"] for p in self.problems),
            "errors": self.problems,
        }


class Refused(FieldError):
    """The submission or action is invalid as sent (400)."""


class Forbidden(FieldError):
    """The user may not do this (403)."""

    status = 403


class NotFound(FieldError):
    """The thing named does not exist or is not visible to the user (404)."""

    status = 404


class Conflict(FieldError):
    """The request clashes with what is stored (409): a reused UUID, or a submission in the wrong state."""

    status = 409


THAI_FOR_DRF_CODES = {
    "required": "ต้องระบุค่านี้",
    "null": "ต้องระบุค่านี้",
    "blank": "ต้องระบุค่านี้",
    "invalid": "รูปแบบไม่ถูกต้อง",
    "max_value": "ค่ามากเกินไป",
    "min_value": "ค่าน้อยเกินไป",
    "invalid_choice": "ไม่ใช่ตัวเลือกที่มีให้",
    "max_length": "ยาวเกินไป",
    "not_authenticated": "กรุณาเข้าสู่ระบบ (ส่งโทเคนของท่าน)",
    "authentication_failed": "โทเคนไม่ถูกต้อง กรุณาเข้าสู่ระบบใหม่",
    "permission_denied": "ท่านไม่มีสิทธิ์ทำรายการนี้",
    "parse_error": "อ่านข้อมูลที่ส่งมาไม่ได้",
    "unsupported_media_type": "รูปแบบข้อมูลที่ส่งไม่รองรับ",
}


def problems_from_detail(detail, field: str = "non_field") -> list[dict]:
    """Flatten DRF's nested error detail into bilingual problems."""
    if isinstance(detail, dict):
        return [p for key, value in detail.items() for p in problems_from_detail(value, key)]
    if isinstance(detail, list):
        return [p for item in detail for p in problems_from_detail(item, field)]
    code = getattr(detail, "code", "invalid")
    thai = THAI_FOR_DRF_CODES.get(code, "ข้อมูลไม่ถูกต้อง")
    return [{"field": field, "code": code, "message_en": f"{field}: {detail}" if field != "non_field" else str(detail),
             "message_th": f"{field}: {thai}" if field != "non_field" else thai}]


def database_unavailable() -> Response:
    """503 with Retry-After: the client keeps the submission and sends it again."""
    # Drop the broken connection now so the next request opens a fresh one.
    try:
        connection.close()
    except Exception:  # noqa: BLE001 -- closing a dead connection may itself fail; nothing to do then
        pass
    body = FieldError(
        "non_field", "database_unavailable",
        f"The service's database is unavailable for a moment: nothing was saved. Send again in {RETRY_AFTER_S} s.",
        f"ฐานข้อมูลไม่พร้อมใช้งานชั่วคราว ยังไม่ได้บันทึก กรุณาส่งใหม่อีกครั้งใน {RETRY_AFTER_S} วินาที",
    ).body()
    return Response(body, status=503, headers={"Retry-After": str(RETRY_AFTER_S)})


def field_exception_handler(exc: Exception, context: dict) -> Response | None:
    """Map domain errors, DRF errors, Django validation errors and a lost database to HTTP responses."""
    if isinstance(exc, FieldError):
        return Response(exc.body(), status=exc.status)
    if isinstance(exc, (OperationalError, InterfaceError)):
        log.warning("database unavailable: %s", str(exc).strip().splitlines()[0] if str(exc).strip() else exc)
        return database_unavailable()
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field": exc.messages}
        return Response(Refused.many(problems_from_detail(detail)).body(), status=400)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, drf.APIException):
        response.data = FieldError.many(problems_from_detail(exc.detail)).body()
    return response
