"""The service's one error vocabulary: a stable code, an HTTP status from one table, a message in two languages.

Every API raises these errors and renders them with a thin renderer: the OGC API, tiles and
pages with the exception body here (`error_response`), the field API with `field_body`
(fieldwork/errors.py), the coverage API with its own (coverage/errors.py). A lost database is
answered by one path, `database_unavailable`, with one Retry-After.
"""
import logging

from django.db import InterfaceError, OperationalError, connection
from django.http import JsonResponse
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from gis_service.i18n import english, thai

log = logging.getLogger(__name__)

# How long a client waits before retrying when the database is away: a restart takes seconds.
RETRY_AFTER_S = 5

# What a database that has gone away raises (a refused connection, a dropped one, a closed cursor).
DATABASE_UNAVAILABLE_ERRORS = (OperationalError, InterfaceError)


class ServiceError(Exception):
    """A problem a person can act on: a stable `code`, the `field` it concerns, a message in both languages."""

    code = "error"
    message: str | Promise = _("The request could not be carried out.")

    def __init__(self, message: str | Promise | None = None, *, code: str | None = None, field: str | None = None,
                 **details) -> None:
        if message is not None:
            self.message = message
        if code:
            self.code = code
        self.field = field
        # Further facts a renderer may show beside the message (e.g. the place a point fell in).
        self.details = details
        # Several problems may be reported at once (`many`) so a person can fix them all in one go.
        self.problems: list[ServiceError] = [self]
        super().__init__(self.message)

    @classmethod
    def many(cls, problems: list["ServiceError"]) -> "ServiceError":
        """One error of this kind carrying several problems; its own code, field and message are the first's."""
        first = problems[0]
        error = cls(first.message, code=first.code, field=first.field, **first.details)
        error.problems = list(problems)
        return error

    @property
    def status(self) -> int:
        """The HTTP status, from the one table."""
        return status_for(self)

    @property
    def message_en(self) -> str:
        """The message in English."""
        return english(self.message)

    @property
    def message_th(self) -> str:
        """The message in Thai (English where the catalogue has no Thai yet)."""
        return thai(self.message)

    def headers(self) -> dict[str, str]:
        """HTTP headers the answer needs beside its body."""
        return {}


class InvalidInput(ServiceError):
    """A value, parameter or body that is wrong as sent."""

    code = "invalid"
    message = _("The request is not valid: check the values sent.")


class NotAuthenticated(ServiceError):
    """An action that needs a signed-in user, asked by someone not signed in."""

    code = "not_authenticated"
    message = _("Sign in first.")

    def headers(self) -> dict[str, str]:
        """Tell the client how to sign in (HTTP Basic, or an API token)."""
        return {"WWW-Authenticate": 'Basic realm="gis_service", Token'}


class Forbidden(ServiceError):
    """An action the user's role or LAOs do not allow."""

    code = "forbidden"
    message = _("You may not do this.")


class NotFound(ServiceError):
    """A thing that does not exist, or that the user may not see."""

    code = "not_found"
    message = _("Not found.")


class MethodNotAllowed(ServiceError):
    """A method the resource does not support."""

    code = "method_not_allowed"
    message = _("This method is not allowed here.")


class Conflict(ServiceError):
    """A request that clashes with what is stored (a reused key, a thing in the wrong state)."""

    code = "conflict"
    message = _("The request clashes with what is stored.")


class PreconditionFailed(ServiceError):
    """A condition the client set (If-Match) that no longer holds."""

    code = "precondition_failed"
    message = _("The resource has changed since you read it: read it again.")


class UnsupportedMediaType(ServiceError):
    """A body in a format the resource does not read."""

    code = "unsupported_media_type"
    message = _("The format of what was sent is not supported.")


class ServiceFault(ServiceError):
    """A fault of ours, reported honestly."""

    code = "internal_error"
    message = _("The service failed to do this: try again later.")


class DatabaseUnavailable(ServiceError):
    """The database is away for a moment (a restart): the client keeps what it sent and retries."""

    code = "database_unavailable"
    message = format_lazy(
        _("The service's database is unavailable for a moment: nothing was saved; retry after {seconds} seconds."),
        seconds=RETRY_AFTER_S,
    )

    def headers(self) -> dict[str, str]:
        """When to retry."""
        return {"Retry-After": str(RETRY_AFTER_S)}


# The one table from error kind to HTTP status; a subclass takes the status of its nearest listed ancestor.
STATUS_CODES: dict[type[Exception], int] = {
    ServiceError: 500,
    InvalidInput: 400,
    NotAuthenticated: 401,
    Forbidden: 403,
    NotFound: 404,
    MethodNotAllowed: 405,
    Conflict: 409,
    PreconditionFailed: 412,
    UnsupportedMediaType: 415,
    ServiceFault: 500,
    DatabaseUnavailable: 503,
}


def status_for(error: Exception) -> int:
    """The HTTP status of an error: that of the nearest class in its ancestry listed in STATUS_CODES."""
    for kind in type(error).__mro__:
        if kind in STATUS_CODES:
            return STATUS_CODES[kind]
    return 500


def first_line(cause: Exception) -> str:
    """The first line of an exception's text (psycopg's run to several), or its class name."""
    lines = str(cause).strip().splitlines()
    return lines[0] if lines else type(cause).__name__


def database_unavailable(cause: Exception) -> DatabaseUnavailable:
    """The one answer to a lost database: log it, drop the broken connection, tell the client when to retry."""
    log.warning("database unavailable: %s", first_line(cause))
    # Drop the connection now so that the next request opens a fresh one instead of reusing a dead one.
    try:
        connection.close()
    except Exception:  # noqa: BLE001 -- closing a dead connection may itself fail; nothing more to do then
        pass
    return DatabaseUnavailable()


def exception_code(code: str) -> str:
    """A stable code spelled as OGC API exception codes are (not_found -> NotFound); such spellings are kept."""
    return "".join(part[:1].upper() + part[1:] for part in code.split("_"))


def error_body(error: ServiceError) -> dict:
    """The service's exception body, the OGC API's schema: the code as OGC spells it and the English message."""
    return {"code": exception_code(error.code), "description": error.message_en}


def error_response(error: ServiceError) -> JsonResponse:
    """The exception body with the error's HTTP status and headers (WWW-Authenticate, Retry-After)."""
    response = JsonResponse(error_body(error), status=error.status, json_dumps_params={"ensure_ascii": False})
    for header, value in error.headers().items():
        response[header] = value
    return response
