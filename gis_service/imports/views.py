"""The import API: a dry run, a commit, a batch and its rollback. Errors in the field API's body (one renderer)."""
import json

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from gis_service.errors import InvalidInput
from gis_service.fieldwork.views import FieldAPIView
from gis_service.imports import importer
from gis_service.imports.models import ImportBatch
from gis_service.imports.readers import limits
from gis_service.imports.report_files import csv_bytes, xlsx_bytes
from gis_service.programmes.registry import PROGRAMMES, UnknownProgramme, get_programme

UPLOAD = inline_serializer("ImportUpload", {
    "file": serializers.FileField(help_text="An .xlsx, .xls, .ods or .csv sheet, or a GeoJSON, GeoPackage, KML/KMZ or "
                                            "zipped Shapefile"),
    "programme": serializers.ChoiceField(choices=[p.id for p in PROGRAMMES]),
    "mapping": serializers.CharField(required=False, help_text='JSON: corrections, e.g. {"lat": "Y", "lon": "X"}'),
    "on_existing": serializers.ChoiceField(choices=[importer.UPDATE, importer.SKIP], required=False),
    "on_nearby": serializers.ChoiceField(choices=[importer.SKIP, importer.CREATE], required=False),
    "decisions": serializers.CharField(required=False, help_text='JSON: line -> create, update or skip'),
    "sheet": serializers.CharField(required=False),
    "publish": serializers.BooleanField(required=False),
})
FORMAT = OpenApiParameter("report", str, enum=["json", "csv", "xlsx"], description="the report as a file")
LANGUAGE = OpenApiParameter("lang", str, enum=["th", "en"], description="language of the report's messages")


def _json_field(data, name: str) -> dict:
    text = data.get(name) or ""
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInput(format_lazy(_("{name} is not JSON: {reason}"), name=name, reason=exc.msg),
                           field=name) from exc
    if not isinstance(value, dict):
        raise InvalidInput(format_lazy(_("{name} must be a JSON object"), name=name), field=name)
    return value


def _options(data) -> importer.Options:
    decisions = {}
    for line, decision in _json_field(data, "decisions").items():
        if not str(line).isdigit():
            raise InvalidInput(format_lazy(_("decisions: {line} is not a line number"), line=line), field="decisions")
        decisions[int(line)] = decision
    mapping = _json_field(data, "mapping")
    if any(value is not None and not isinstance(value, str) for value in mapping.values()):
        raise InvalidInput(_("mapping: each value is a column header (text) or null"), field="mapping")
    choices = {"on_existing": (importer.UPDATE, importer.SKIP), "on_nearby": (importer.SKIP, importer.CREATE)}
    for name, allowed in choices.items():
        if data.get(name) and data.get(name) not in allowed:
            raise InvalidInput(format_lazy(_("{name} must be one of {allowed}"), name=name,
                                           allowed=", ".join(allowed)), field=name)
    return importer.Options(mapping=mapping, decisions=decisions,
                            on_existing=data.get("on_existing") or importer.UPDATE,
                            on_nearby=data.get("on_nearby") or importer.SKIP, sheet=data.get("sheet") or None,
                            publish=str(data.get("publish", "")).lower() in ("1", "true", "yes", "on"))


def _upload(request):
    upload = request.FILES.get("file")
    if upload is None:
        raise InvalidInput(_("Attach the file to import (form field 'file')."), field="file")
    try:
        programme = get_programme(request.data.get("programme") or "")
    except UnknownProgramme as exc:
        raise InvalidInput(str(exc), field="programme") from exc
    max_bytes = limits()[0]
    if upload.size > max_bytes:
        raise InvalidInput(format_lazy(_("The file is {size} MB; at most {limit} MB can be imported at once: split "
                                         "it into smaller files."), size=round(upload.size / 1e6, 1),
                                       limit=round(max_bytes / 1e6)), field="file")
    return upload.read(), upload.name, programme, _options(request.data)


def _answer(request, report: importer.Report, status: int = 200):
    language = request.query_params.get("lang") or ("th" if request.LANGUAGE_CODE.startswith("th") else "en")
    wanted = request.query_params.get("report", "json")
    stem = report.file_name.rsplit(".", 1)[0]
    if wanted == "csv":
        response = HttpResponse(csv_bytes(report, language), content_type="text/csv; charset=utf-8", status=status)
    elif wanted == "xlsx":
        response = HttpResponse(xlsx_bytes(report, language), status=status, content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
    else:
        return Response(report.as_dict(language), status=status)
    response["Content-Disposition"] = f'attachment; filename="{stem}-report.{wanted}"'
    return response


class DryRunView(FieldAPIView):
    parser_classes = [MultiPartParser]

    @extend_schema(tags=["imports"], request={"multipart/form-data": UPLOAD}, parameters=[FORMAT, LANGUAGE],
                   responses={200: OpenApiTypes.OBJECT}, summary="Check a file row by row; nothing is written")
    def post(self, request):
        content, name, programme, options = _upload(request)
        return _answer(request, importer.plan(content, name, programme, options, request.user))


class CommitView(FieldAPIView):
    parser_classes = [MultiPartParser]

    @extend_schema(tags=["imports"], request={"multipart/form-data": UPLOAD}, parameters=[FORMAT, LANGUAGE],
                   responses={201: OpenApiTypes.OBJECT}, summary="Import a file's accepted rows as one batch")
    def post(self, request):
        content, name, programme, options = _upload(request)
        return _answer(request, importer.commit(content, name, programme, options, request.user), status=201)


def _batch_body(batch: ImportBatch) -> dict:
    return {"id": batch.id, "programme": batch.programme, "file_name": batch.file_name, "sha256": batch.file_sha256,
            "owner": batch.owner.username if batch.owner else None, "created_at": batch.created_at,
            "counts": batch.counts, "mapping": batch.mapping,
            "rolled_back_at": batch.rolled_back_at,
            "rows": [{"line": r.line, "action": r.action, "code": r.site_code} for r in batch.rows.all()]}


class BatchView(FieldAPIView):
    @extend_schema(tags=["imports"], responses={200: OpenApiTypes.OBJECT}, summary="An import batch")
    def get(self, request, batch_id: int):
        batch = get_object_or_404(ImportBatch, pk=batch_id)
        importer.check_may_read(request.user, batch)
        return Response(_batch_body(batch))


class RollbackView(FieldAPIView):
    @extend_schema(tags=["imports"], request=None, responses={200: OpenApiTypes.OBJECT},
                   summary="Undo an import batch: its new sites removed, its updates restored")
    def post(self, request, batch_id: int):
        batch = get_object_or_404(ImportBatch, pk=batch_id)
        done = importer.rollback(batch, request.user)
        batch.refresh_from_db()
        return Response({**_batch_body(batch), **done})
