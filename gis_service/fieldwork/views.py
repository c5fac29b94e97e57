"""The field API: submissions in, their state out, and the reviewer's transitions."""
from django.core.files.storage import default_storage
from django.db.models import Prefetch
from django.http import FileResponse
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from gis_service.accounts.permissions import province_ids_for_reviewer
from gis_service.accounts.roles import Role
from gis_service.fieldwork import review
from gis_service.fieldwork.auth import TokenWithRolesAuthentication, holds_role, may_submit
from gis_service.fieldwork.errors import Forbidden, NotFound, Refused, field_exception_handler
from gis_service.fieldwork.intake import receive
from gis_service.fieldwork.models import ReviewState, Submission, SubmissionEvent
from gis_service.fieldwork.programmes import FIELD_PROGRAMMES, form_description
from gis_service.fieldwork.serializers import (
    DuplicateDecisionInput,
    ReasonInput,
    SubmissionInput,
    SubmissionSerializer,
)

ERROR_RESPONSES = {
    400: OpenApiResponse(description="Refused: `errors` lists each problem in Thai and English"),
    401: OpenApiResponse(description="No or bad token"),
    403: OpenApiResponse(description="Not allowed for this user"),
    404: OpenApiResponse(description="Not found (or not visible to this user)"),
    409: OpenApiResponse(description="Conflict: UUID reused with other content, or wrong review state"),
    503: OpenApiResponse(description="Database unavailable for a moment: retry after `Retry-After` seconds"),
}
QUEUE_LIMIT = 200


class FieldAPIView(APIView):
    """Token (phones) or session (review page) authentication; errors mapped in one place."""

    authentication_classes = [TokenWithRolesAuthentication, SessionAuthentication]
    permission_classes = [IsAuthenticated]

    def get_exception_handler(self):
        return field_exception_handler


# The related rows' boundaries are large and the body shows only their names: never fetch them.
BOUNDARY_FIELDS = ["lao__area", "lao__office_location", "subdistrict__geom", "subdistrict__district__geom",
                   "province__geom"]


def with_relations(queryset):
    """Everything the submission body shows, fetched in three queries (names only, no boundaries)."""
    return (queryset.select_related("officer", "lao", "subdistrict__district", "province").defer(*BOUNDARY_FIELDS)
            .prefetch_related("photos", Prefetch("events", SubmissionEvent.objects.select_related("actor"))))


def visible_submission(user, client_uuid) -> Submission:
    """A submission the user may see, or 404."""
    submission = with_relations(Submission.objects.filter(client_uuid=client_uuid)).first()
    if submission is None or not review.can_see(user, submission):
        raise review.submission_not_found(client_uuid)
    return submission


def body(submission: Submission) -> dict:
    """The JSON of a submission, freshly read so that every answer about it is the same."""
    return SubmissionSerializer(with_relations(Submission.objects.filter(pk=submission.pk)).get()).data


class ProgrammesView(FieldAPIView):
    """The programmes' attribute forms and accuracy limits, for the phone page."""

    permission_classes = [AllowAny]

    @extend_schema(tags=["field"], responses={200: OpenApiTypes.OBJECT},
                   summary="Attribute forms and GPS limits of every programme")
    def get(self, request):
        return Response({"programmes": [form_description(p) for p in FIELD_PROGRAMMES.values()]})


class MeView(FieldAPIView):
    """Who the token belongs to and which LAOs they register for."""

    @extend_schema(tags=["field"], responses={200: OpenApiTypes.OBJECT}, summary="The signed-in officer")
    def get(self, request):
        user = request.user
        laos = user.lao_memberships.select_related("lao").order_by("lao__code")
        return Response({
            "username": user.username,
            "roles": [role.value for role in Role if holds_role(user, role)],
            "laos": [{"code": m.lao.code, "name_th": m.lao.full_name_th or m.lao.name_th, "name_en": m.lao.name_en}
                     for m in laos],
        })


class SubmissionsView(FieldAPIView):
    """Send a submission (idempotent on its UUID), or list your own."""

    parser_classes = [JSONParser, MultiPartParser, FormParser]

    @extend_schema(
        tags=["field"], request={"application/json": SubmissionInput, "multipart/form-data": SubmissionInput},
        responses={201: SubmissionSerializer, 200: SubmissionSerializer, **ERROR_RESPONSES},
        summary="Send a field submission",
        description="201: stored. 200: this UUID was already stored with the same content (a resend; nothing new "
                    "is created, the body is the stored submission). 409: this UUID was stored with other content.",
    )
    def post(self, request):
        if not may_submit(request.user):
            raise Forbidden(_("Only field officers send submissions."), code="not_a_field_officer")
        if hasattr(request.data, "getlist"):  # multipart: one value per field, photos as a list
            data = {key: request.data.get(key) for key in request.data.keys() if key != "photos"}
            data["photos"] = request.FILES.getlist("photos")
        else:
            data = request.data
        incoming = SubmissionInput(data=data)
        incoming.is_valid(raise_exception=True)
        received = receive(request.user, incoming.validated_data)
        if received.created:
            return Response(SubmissionSerializer(received.submission).data, status=201)
        return Response(body(received.submission), status=200)

    @extend_schema(tags=["field"], responses={200: SubmissionSerializer(many=True)},
                   summary="Your own submissions and their review state, newest first")
    def get(self, request):
        mine = Submission.objects.filter(officer=request.user).order_by("-received_at")[:QUEUE_LIMIT]
        return Response(SubmissionSerializer(with_relations(mine), many=True).data)


class SubmissionView(FieldAPIView):
    """One submission, for its officer or a reviewer of its province."""

    @extend_schema(tags=["field"], responses={200: SubmissionSerializer, **ERROR_RESPONSES})
    def get(self, request, client_uuid):
        return Response(SubmissionSerializer(visible_submission(request.user, client_uuid)).data)


class ReviewQueueView(FieldAPIView):
    """Submissions waiting for review in the reviewer's provinces, oldest first."""

    @extend_schema(tags=["field"], responses={200: SubmissionSerializer(many=True), **ERROR_RESPONSES},
                   summary="The review queue of your provinces")
    def get(self, request):
        user = request.user
        if not (holds_role(user, Role.REVIEWER) or holds_role(user, Role.ADMINISTRATOR)):
            raise Forbidden(_("Only reviewers have a review queue."), code="not_a_reviewer")
        queue = Submission.objects.filter(state=ReviewState.SUBMITTED)
        if not holds_role(user, Role.ADMINISTRATOR):
            queue = queue.filter(province_id__in=province_ids_for_reviewer(user))
        return Response(SubmissionSerializer(with_relations(queue.order_by("received_at")[:QUEUE_LIMIT]),
                                             many=True).data)


class TransitionView(FieldAPIView):
    """approve / reject / return: a reviewer's decision, recorded with who, when and why."""

    actions = {"approve": review.approve, "reject": review.reject, "return": review.return_for_changes}

    @extend_schema(operation_id="api_field_submission_transition", tags=["field"], request=ReasonInput,
                   responses={200: SubmissionSerializer, **ERROR_RESPONSES},
                   summary="Approve (creates or updates the site and publishes it), reject or return a submission")
    def post(self, request, client_uuid, action):
        incoming = ReasonInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        submission = self.actions[action](request.user, client_uuid, incoming.validated_data["reason"])
        return Response(body(submission))


class DuplicateDecisionView(FieldAPIView):
    """Same site (record as inspection) or a different site, for a submission flagged as a possible duplicate."""

    @extend_schema(tags=["field"], request=DuplicateDecisionInput,
                   responses={200: SubmissionSerializer, **ERROR_RESPONSES})
    def post(self, request, client_uuid):
        incoming = DuplicateDecisionInput(data=request.data)
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        submission = review.decide_duplicate(request.user, client_uuid, data["decision"], data.get("site"),
                                             data["reason"])
        return Response(body(submission))


class ResubmitView(FieldAPIView):
    """The officer corrects a returned submission and sends it back to the queue."""

    @extend_schema(tags=["field"], request=inline_serializer("ResubmitInput", {
        "attributes": serializers.JSONField(), "note": serializers.CharField(required=False, allow_blank=True)}),
        responses={200: SubmissionSerializer, **ERROR_RESPONSES})
    def post(self, request, client_uuid):
        attributes = request.data.get("attributes")
        if not isinstance(attributes, dict):
            raise Refused(_("Give the corrected attributes as a JSON object."), code="invalid", field="attributes")
        submission = review.resubmit(request.user, client_uuid, attributes, str(request.data.get("note", "")))
        return Response(body(submission))


class NearbyView(FieldAPIView):
    """The submission and the programme's sites around it, as GeoJSON, for the reviewer's map."""

    @extend_schema(tags=["field"], responses={200: OpenApiTypes.OBJECT, **ERROR_RESPONSES})
    def get(self, request, client_uuid):
        submission = visible_submission(request.user, client_uuid)
        features = [{
            "type": "Feature", "geometry": {"type": "Point", "coordinates": submission.location.coords},
            "properties": {"kind": "submission", "uuid": str(submission.client_uuid),
                           "accuracy_m": submission.accuracy_m},
        }]
        if submission.line:
            features.append({"type": "Feature", "geometry": {"type": "MultiLineString",
                                                             "coordinates": submission.line.coords},
                             "properties": {"kind": "submission_line"}})
        for site in review.nearby_sites(submission):
            features.append({"type": "Feature", "geometry": {"type": site.geom.geom_type,
                                                             "coordinates": site.geom.coords},
                             "properties": {"kind": "site", "uid": str(site.uid), "code": site.code,
                                            "name_th": site.name_th, "status": site.status,
                                            "published": site.published}})
        return Response({"type": "FeatureCollection", "features": features})


class PhotoView(FieldAPIView):
    """A submission's photo or its thumbnail, for those who may see the submission."""

    @extend_schema(tags=["field"], responses={(200, "image/jpeg"): OpenApiTypes.BINARY, **ERROR_RESPONSES})
    def get(self, request, client_uuid, position, variant):
        submission = visible_submission(request.user, client_uuid)
        photo = next((p for p in submission.photos.all() if p.position == int(position)), None)
        if photo is None:
            raise NotFound(format_lazy(_("Submission {uuid} has no photo {position}."), uuid=client_uuid,
                                       position=position),
                           code="photo_not_found", field="position")
        stored = photo.image if variant == "image" else photo.thumbnail
        content_type = photo.content_type if variant == "image" else "image/jpeg"
        return FileResponse(default_storage.open(stored.name, "rb"), content_type=content_type)


class TokenView(ObtainAuthToken):
    """Exchange a username and password for the API token the phone keeps."""

    def get_exception_handler(self):
        return field_exception_handler

    @extend_schema(tags=["field"], request=inline_serializer("TokenInput", {
        "username": serializers.CharField(), "password": serializers.CharField()}),
        responses={200: inline_serializer("TokenOutput", {"token": serializers.CharField()}), **ERROR_RESPONSES})
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
