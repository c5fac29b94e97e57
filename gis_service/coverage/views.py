"""The coverage API: results from the cache or computed inline, long computations as pollable jobs."""
import json
import uuid

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from gis_service.accounts.permissions import can_see_unpublished
from gis_service.coverage import population, reports
from gis_service.coverage.errors import CoverageError, InvalidInput, NotFound, NotReady, error_response
from gis_service.coverage.jobs import KINDS, answer, is_stale
from gis_service.coverage.models import CoverageJob, CoverageResult
from gis_service.coverage.params import CoverageParams, parse_params
from gis_service.coverage.sources import DEFAULT_LAYER, site_layers
from gis_service.errors import DATABASE_UNAVAILABLE_ERRORS, database_unavailable

COMMON_PARAMETERS = [
    OpenApiParameter(
        "layer",
        str,
        enum=sorted(site_layers()),
        default=DEFAULT_LAYER,
        description="Programme layer: every point programme with a coverage radius in the registry",
    ),
    OpenApiParameter(
        "radius_m", float, description="Service radius in metres, above 0 and at most 50,000 (default 1000)"
    ),
    OpenApiParameter("statuses", str, description="Statuses that serve, comma-separated (default operational)"),
    OpenApiParameter("level", str, enum=["province", "district", "subdistrict"], description="Units reported"),
    OpenApiParameter("area", str, description="Area of interest: a province, district or subdistrict code (TH90)"),
    OpenApiParameter("area_polygon", str, description="Area of interest: a GeoJSON (Multi)Polygon in lon/lat"),
    OpenApiParameter("population", str, description="Population raster: region12_under5 or upload:<sha256>"),
    OpenApiParameter("resolution_m", float, description="Grid resolution in metres for rasters and proposals (500)"),
    OpenApiParameter("count", int, description="How many new sites to propose (1-200, default 10)"),
    OpenApiParameter("async", bool, description="Run as a job even when the result would be quick"),
    OpenApiParameter("download", bool, description="Serve as an attachment"),
]
JOB_ACCEPTED = OpenApiResponse(description="Computing: poll the job at the Location header")
BAD_INPUT = OpenApiResponse(description="Bad input, with a message saying what to change")


def request_params(request) -> CoverageParams:
    """Inputs from the query string, a form or JSON body; an uploaded GeoTIFF becomes the population."""
    data = request.query_params.copy()
    if request.method == "POST":
        for name, value in request.data.items():
            if name != "population_file":
                data[name] = value if isinstance(value, str) else json.dumps(value)
    reference = population.parse_population(data.get("population"))
    upload = request.FILES.get("population_file") if request.method == "POST" else None
    if upload is not None:
        reference = population.store_upload(upload.read())
    return parse_params(data, published_only=not can_see_unpublished(request.user), population=reference)


def job_body(job: CoverageJob, request: HttpRequest) -> dict:
    """The JSON a job is described with."""
    state = CoverageJob.State.FAILED if is_stale(job) else job.state
    body = {
        "job": str(job.id),
        "kind": job.kind,
        "state": state,
        "progress": round(job.progress, 3),
        "message": job.message if not is_stale(job) else "the worker stopped: start the computation again",
        "status_url": request.build_absolute_uri(reverse("coverage-job", args=[job.id])),
        "created_at": job.created_at.isoformat(),
        "updated_at": job.updated_at.isoformat(),
    }
    if state == CoverageJob.State.DONE:
        body["result_url"] = request.build_absolute_uri(reverse("coverage-job-result", args=[job.id]))
    if state == CoverageJob.State.FAILED and job.error:
        body["error"] = job.error
    return body


def result_response(result: CoverageResult, kind: str, download: bool, cache_state: str) -> HttpResponse:
    """The stored bytes of a result, with its key as ETag."""
    response = HttpResponse(bytes(result.payload), content_type=result.content_type)
    response["ETag"] = f'"{result.key}"'
    response["X-Coverage-Cache"] = cache_state
    response["X-Coverage-Compute-Seconds"] = f"{result.compute_s:.3f}"
    if download:
        response["Content-Disposition"] = f'attachment; filename="{KINDS[kind].filename}"'
    return response


class CoverageAPIView(APIView):
    """Base of the coverage views: open to all, coverage errors answered in one place."""

    permission_classes = [AllowAny]
    parser_classes = [JSONParser, FormParser, MultiPartParser]

    def handle_exception(self, exc):
        """Coverage errors and a lost database in the coverage body; anything else as DRF answers it."""
        if isinstance(exc, DATABASE_UNAVAILABLE_ERRORS):
            exc = database_unavailable(exc)
        if isinstance(exc, CoverageError):
            return error_response(exc)
        return super().handle_exception(exc)


class ResultView(CoverageAPIView):
    """One kind of coverage result for the inputs given."""

    kind = "units"

    def _respond(self, request):
        params = request_params(request)
        force_job = request.query_params.get("async", "").lower() in ("1", "true", "yes")
        outcome, state = answer(KINDS[self.kind], params, force_job=force_job)
        if isinstance(outcome, CoverageJob):
            body = job_body(outcome, request)
            response = JsonResponse(body, status=202)
            response["Location"] = body["status_url"]
            return response
        return result_response(outcome, self.kind, request.query_params.get("download") in ("1", "true"), state)


def _schema(kind: str, summary: str, media: str):
    return extend_schema(
        summary=summary,
        parameters=COMMON_PARAMETERS,
        tags=["coverage"],
        operation_id=None,
        request={"multipart/form-data": OpenApiTypes.OBJECT, "application/json": OpenApiTypes.OBJECT},
        responses={
            (200, media): OpenApiTypes.BINARY if "tiff" in media else OpenApiTypes.OBJECT,
            202: JOB_ACCEPTED,
            400: BAD_INPUT,
        },
    )


def make_result_view(kind: str, summary: str, media: str) -> type[ResultView]:
    """A ResultView subclass for one kind, with its own OpenAPI description."""
    schema = _schema(kind, summary, media)

    # Fresh functions per kind: extend_schema annotates the function object it is given.
    def get(self, request):
        return self._respond(request)

    def post(self, request):
        return self._respond(request)

    return type(f"{kind.title()}View", (ResultView,), {"kind": kind, "get": schema(get), "post": schema(post)})


UnitsView = make_result_view("units", "Coverage by administrative unit, least covered first", "application/json")
GapsView = make_result_view("gaps", "Uncovered land of each unit (GeoJSON)", "application/geo+json")
ProposalsView = make_result_view("proposals", "Where to build next: greedy maximum coverage", "application/geo+json")
RepairsView = make_result_view("repairs", "Sites needing repair, most crucial first", "application/json")
DistanceView = make_result_view(
    "distance", "Distance to the nearest serving site (GeoTIFF)", "image/tiff; application=geotiff"
)


class UnitsCsvView(CoverageAPIView):
    """The per-unit table as CSV (a spreadsheet download of the units result)."""

    @extend_schema(
        summary="Coverage by administrative unit as CSV",
        parameters=COMMON_PARAMETERS,
        tags=["coverage"],
        responses={(200, "text/csv"): OpenApiTypes.STR, 202: JOB_ACCEPTED, 400: BAD_INPUT},
    )
    def get(self, request):
        outcome, state = answer(KINDS["units"], request_params(request))
        if isinstance(outcome, CoverageJob):
            body = job_body(outcome, request)
            return JsonResponse(body, status=202, headers={"Location": body["status_url"]})
        response = HttpResponse(
            reports.units_csv(json.loads(bytes(outcome.payload))), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="coverage_units.csv"'
        response["X-Coverage-Cache"] = state
        return response


def _job(job_id: uuid.UUID) -> CoverageJob:
    job = CoverageJob.objects.filter(id=job_id).first()
    if job is None:
        raise NotFound(f"No coverage job {job_id}: it may have been removed; start the computation again.")
    return job


class JobView(CoverageAPIView):
    """A job's state and progress."""

    @extend_schema(
        summary="A coverage job's state and progress",
        tags=["coverage"],
        responses={200: OpenApiTypes.OBJECT, 404: OpenApiResponse(description="No such job")},
    )
    def get(self, request, job_id: uuid.UUID):
        return JsonResponse(job_body(_job(job_id), request))


class JobResultView(CoverageAPIView):
    """A finished job's result."""

    @extend_schema(
        summary="A finished coverage job's result",
        tags=["coverage"],
        responses={
            200: OpenApiTypes.BINARY,
            404: OpenApiResponse(description="No such job"),
            409: OpenApiResponse(description="Not finished (or failed)"),
        },
    )
    def get(self, request, job_id: uuid.UUID):
        job = _job(job_id)
        if job.state != CoverageJob.State.DONE:
            detail = f": {job.error}" if job.error else f" ({round(100 * job.progress)} % done)"
            raise NotReady(f"Job {job.id} is {job.state}{detail}; poll {reverse('coverage-job', args=[job.id])}.")
        result = CoverageResult.objects.filter(key=job.result_key).first()
        if result is None:
            raise NotFound("The job's result is no longer cached: start the computation again.")
        return result_response(result, job.kind, request.query_params.get("download") in ("1", "true"), "hit")


class RastersView(CoverageAPIView):
    """Population rasters: the shipped ones, and uploading a GeoTIFF to use by reference."""

    @extend_schema(
        summary="Population rasters the service ships", tags=["coverage"], responses={200: OpenApiTypes.OBJECT}
    )
    def get(self, request):
        rasters = [
            {"id": key, "title_en": info["title_en"], "title_th": info["title_th"]}
            for key, info in population.KNOWN_RASTERS.items()
        ]
        return JsonResponse({"rasters": rasters}, json_dumps_params={"ensure_ascii": False})

    @extend_schema(
        summary="Upload a population GeoTIFF (field population_file); returns its reference",
        tags=["coverage"],
        request={"multipart/form-data": OpenApiTypes.OBJECT},
        responses={201: OpenApiTypes.OBJECT, 400: BAD_INPUT},
    )
    def post(self, request):
        upload = request.FILES.get("population_file")
        if upload is None:
            raise InvalidInput("Send the GeoTIFF as multipart form field population_file.", field="population_file")
        return JsonResponse({"population": population.store_upload(upload.read())}, status=201)
