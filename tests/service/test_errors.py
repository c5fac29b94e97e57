"""The one error vocabulary: statuses from one table, Thai from the catalogue, one 503, three thin renderers."""
import json
import re
from pathlib import Path

from django.db import OperationalError

from gis_service.coverage.errors import NotReady
from gis_service.coverage.errors import error_response as coverage_response
from gis_service.errors import (
    RETRY_AFTER_S,
    STATUS_CODES,
    Conflict,
    DatabaseUnavailable,
    Forbidden,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    ServiceError,
)
from gis_service.fieldwork.errors import Refused, field_body, field_exception_handler
from layers.ogc.errors import ExportFailed, InvalidParameter, UnknownParameter
from layers.ogc.errors import error_response as ogc_response
from tests.conftest import get_with_database_down

REPO = Path(__file__).resolve().parents[2]
THAI = re.compile("[\u0e00-\u0e7f]")


def test_every_kind_takes_its_status_from_the_one_table_and_subclasses_inherit_it():
    assert {kind.__name__: status for kind, status in STATUS_CODES.items()}["DatabaseUnavailable"] == 503
    assert Refused("x").status == InvalidParameter("x").status == UnknownParameter("x").status == 400
    assert NotReady("x").status == Conflict("x").status == 409
    assert ExportFailed("x").status == 500 and ServiceError("x").status == 500
    assert all(issubclass(kind, ServiceError) for kind in (Refused, NotReady, InvalidParameter, ExportFailed))


def test_a_field_message_is_written_once_and_its_thai_comes_from_the_catalogue():
    error = DatabaseUnavailable()
    assert f"retry after {RETRY_AFTER_S} seconds" in error.message_en
    assert "ฐานข้อมูลไม่พร้อมใช้งานชั่วคราว" in error.message_th and str(RETRY_AFTER_S) in error.message_th


def test_field_modules_keep_no_thai_text_in_python():
    # Field messages, labels and words are written once in English; their Thai lives in locale/th.
    for module in (REPO / "gis_service" / "fieldwork").glob("*.py"):
        assert not THAI.search(module.read_text(encoding="utf-8")), module.name


def test_the_same_error_is_rendered_in_each_apis_shape():
    error = NotFound("No such thing.", code="thing_not_found", field="thing")
    assert field_body(error) == {
        "detail": "No such thing.", "detail_th": "No such thing.",
        "errors": [{"field": "thing", "code": "thing_not_found", "message_en": "No such thing.",
                    "message_th": "No such thing."}],
    }
    ogc = ogc_response(error)
    assert ogc.status_code == 404
    assert json.loads(ogc.content) == {"code": "ThingNotFound", "description": "No such thing."}
    coverage = coverage_response(error)
    assert coverage.status_code == 404
    assert json.loads(coverage.content) == {"error": "No such thing.", "status": 404, "field": "thing"}


def test_ogc_codes_keep_their_ogc_spelling():
    assert json.loads(ogc_response(InvalidParameter("x")).content)["code"] == "InvalidParameterValue"
    assert json.loads(ogc_response(InvalidParameter("x", code="InvalidFilter")).content)["code"] == "InvalidFilter"
    assert json.loads(ogc_response(Forbidden("x")).content)["code"] == "Forbidden"
    signed_out = ogc_response(NotAuthenticated("Sign in."))
    assert signed_out.status_code == 401 and signed_out["WWW-Authenticate"].startswith("Basic")


def test_several_problems_are_refused_at_once():
    error = Refused.many([InvalidInput("A is wrong.", code="a", field="a"), InvalidInput("B is wrong.", code="b")])
    body = field_body(error)
    assert error.status == 400 and body["detail"] == "A is wrong. B is wrong."
    assert [(p["field"], p["code"]) for p in body["errors"]] == [("a", "a"), ("non_field", "b")]


def test_a_lost_database_is_one_503_with_one_retry_after_in_every_shape():
    lost = OperationalError("server closed the connection unexpectedly")
    field = field_exception_handler(lost, {})
    assert field.status_code == 503 and field["Retry-After"] == str(RETRY_AFTER_S)
    assert field.data["errors"][0]["code"] == "database_unavailable" and THAI.search(field.data["detail_th"])
    for response in (ogc_response(DatabaseUnavailable()), coverage_response(DatabaseUnavailable())):
        assert response.status_code == 503 and response["Retry-After"] == str(RETRY_AFTER_S)


def test_the_coverage_api_answers_a_lost_database_in_its_own_body():
    status, body, retry_after = get_with_database_down("/api/coverage/units?layer=groundwater_banks")
    assert status == 503 and retry_after == str(RETRY_AFTER_S)
    assert body["status"] == 503 and "retry after" in body["error"]
