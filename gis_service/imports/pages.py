"""The import page: upload a file, see how its columns were read (and correct them), a dry run row by row, then
commit, download the report or roll a batch back. Thai first; the same importer as the API and the command."""
import hashlib
import re
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from gis_service.errors import InvalidInput, ServiceError
from gis_service.i18n import in_language
from gis_service.imports import importer
from gis_service.imports.columns import target_titles
from gis_service.imports.models import ImportBatch
from gis_service.imports.readers import limits
from gis_service.imports.report_files import csv_bytes, xlsx_bytes
from gis_service.maps.views import page_language
from gis_service.programmes.registry import PROGRAMMES, UnknownProgramme, get_programme

PENDING = "imports/pending"
SAFE_NAME = re.compile(r"^[0-9a-f]{64}$")


def _pending_path(sha256: str, file_name: str) -> str:
    return f"{PENDING}/{sha256}{Path(file_name).suffix.lower()[:8]}"


def _pending(request: HttpRequest) -> tuple[bytes, str]:
    """The file uploaded in this step, or the one kept from the step before (by its hash)."""
    upload = request.FILES.get("file")
    if upload is not None:
        if upload.size > limits()[0]:
            raise InvalidInput(format_lazy(_("The file is {size} MB; at most {limit} MB can be imported at once: "
                                             "split it into smaller files."), size=round(upload.size / 1e6, 1),
                                           limit=round(limits()[0] / 1e6)), field="file")
        content = upload.read()
        name = upload.name
        sha256 = hashlib.sha256(content).hexdigest()
        path = _pending_path(sha256, name)
        if not default_storage.exists(path):
            default_storage.save(path, ContentFile(content))
        return content, name
    sha256, name = request.POST.get("sha256", ""), request.POST.get("file_name", "")
    path = _pending_path(sha256, name)
    if not SAFE_NAME.match(sha256) or not default_storage.exists(path):
        raise InvalidInput(_("Attach the file to import (form field 'file')."), field="file")
    with default_storage.open(path) as handle:
        return handle.read(), name


def _options(request: HttpRequest) -> importer.Options:
    mapping = {key[len("map_"):]: (value or None) for key, value in request.POST.items() if key.startswith("map_")}
    decisions = {int(key[len("decide_"):]): value for key, value in request.POST.items()
                 if key.startswith("decide_") and key[len("decide_"):].isdigit() and value}
    return importer.Options(mapping=mapping, decisions=decisions, sheet=request.POST.get("sheet") or None)


@login_required(login_url="/field/login/")
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest) -> HttpResponse:
    """`/imports/`: GET the form; POST `step=dry_run` or `step=commit`, or `step=rollback` with a batch."""
    lang = page_language(request)
    context = {"language": lang, "other_language": "en" if lang == "th" else "th",
               "programmes": [(p.id, in_language(p.title, lang)) for p in PROGRAMMES],
               "batches": ImportBatch.objects.filter(owner=request.user)[:10]}
    step = request.POST.get("step") if request.method == "POST" else None
    status = 200
    with translation.override(lang):
        try:
            if step == "rollback":
                batch = get_object_or_404(ImportBatch, pk=request.POST.get("batch"))
                context["rolled_back"] = (batch, importer.rollback(batch, request.user))
            elif step in ("dry_run", "commit"):
                programme = get_programme(request.POST.get("programme", ""))
                content, name = _pending(request)
                run = importer.commit if step == "commit" else importer.plan
                report = run(content, name, programme, _options(request), request.user)
                context.update(report=report, body=report.as_dict(lang), programme=programme,
                               targets=[(key, in_language(title, lang))
                                        for key, title in target_titles(programme).items()],
                               outcome_titles={k: in_language(v, lang) for k, v in importer.OUTCOME_TITLES.items()})
        except UnknownProgramme as exc:
            context["error"], status = str(exc), 400
        except ServiceError as exc:
            context["error"], status = in_language(exc.message, lang), exc.status
        response = render(request, "imports/page.html", context, status=status)
    response["Content-Language"] = lang
    return response


@login_required(login_url="/field/login/")
@require_http_methods(["POST"])
def report_download(request: HttpRequest) -> HttpResponse:
    """The dry run's report of the kept file as CSV or XLSX (the planner fixes the sheet and uploads it again)."""
    lang = page_language(request)
    try:
        programme = get_programme(request.POST.get("programme", ""))
        content, name = _pending(request)
        report = importer.plan(content, name, programme, _options(request), request.user)
    except (UnknownProgramme, ServiceError) as exc:
        raise Http404(str(exc)) from exc
    as_xlsx = request.POST.get("report") == "xlsx"
    body = xlsx_bytes(report, lang) if as_xlsx else csv_bytes(report, lang)
    response = HttpResponse(body, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                            if as_xlsx else "text/csv; charset=utf-8")
    response["Content-Disposition"] = (f'attachment; filename="{Path(name).stem}-report.'
                                       f'{"xlsx" if as_xlsx else "csv"}"')
    return response
