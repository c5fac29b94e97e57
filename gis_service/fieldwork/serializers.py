"""What a phone sends and what it gets back; these classes are also the OpenAPI description."""
import json

from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from gis_service.fieldwork.models import DuplicateDecision, Kind, Submission, SubmissionEvent, SubmissionPhoto
from gis_service.fieldwork.programmes import DEPRECATED_ALIASES, FIELD_PROGRAMMES


class JSONValueField(serializers.JSONField):
    """JSON given as a value (JSON body) or as text (a multipart form field)."""

    def to_internal_value(self, data):
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                self.fail("invalid")
        return super().to_internal_value(data)


class SubmissionInput(serializers.Serializer):
    """A submission as the device sends it (JSON, or multipart with photos)."""

    uuid = serializers.UUIDField(help_text="Made by the device for this submission; resending it never duplicates")
    programme = serializers.ChoiceField(
        choices=list(FIELD_PROGRAMMES) + list(DEPRECATED_ALIASES),
        help_text="The programme's id, the same as its map layer's. Deprecated: the older singular ids ("
        + ", ".join(f"'{alias}'" for alias in DEPRECATED_ALIASES)
        + ") are still accepted and stored as the programme's id; send the plural id.",
    )
    kind = serializers.ChoiceField(choices=Kind.choices, default=Kind.NEW_SITE)
    site = serializers.UUIDField(required=False, allow_null=True, help_text="For an inspection: the site's uid")
    longitude = serializers.FloatField(min_value=-180, max_value=180)
    latitude = serializers.FloatField(min_value=-90, max_value=90)
    accuracy_m = serializers.FloatField(min_value=0, help_text="Horizontal accuracy of the fix (metres)")
    accuracy_note = serializers.CharField(
        required=False, allow_blank=True, max_length=500, default="",
        help_text="The officer's reason for sending with a weak fix",
    )
    altitude_m = serializers.FloatField(required=False, allow_null=True, min_value=-500, max_value=9000)
    captured_at = serializers.DateTimeField(help_text="Time of capture on the device, with its offset")
    attributes = JSONValueField(
        required=False, default=dict, help_text="The programme's attributes (see GET /api/field/programmes)"
    )
    line = JSONValueField(
        required=False, allow_null=True, help_text="For a road: its track as a GeoJSON LineString (lon, lat)"
    )
    lao = serializers.CharField(required=False, allow_blank=True, default="", max_length=16,
                                help_text="Code of one of the officer's LAOs, when several cover the point")
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
    photos = serializers.ListField(
        child=serializers.FileField(), required=False, help_text="JPEG or PNG photos, 10 MB each at most (multipart)"
    )

    def validate_programme(self, value):
        """A deprecated alias becomes the programme's one id, so nothing downstream sees two ids."""
        return DEPRECATED_ALIASES.get(value, value)

    def validate_attributes(self, value):
        """Attributes are a JSON object of name -> value."""
        if not isinstance(value, dict):
            raise serializers.ValidationError("Give the attributes as a JSON object of name -> value.")
        return value


class PhotoSerializer(serializers.ModelSerializer):
    """A stored photo, with links to the image and its thumbnail."""

    url = serializers.SerializerMethodField()
    thumbnail_url = serializers.SerializerMethodField()
    exif_longitude = serializers.SerializerMethodField()
    exif_latitude = serializers.SerializerMethodField()

    class Meta:
        model = SubmissionPhoto
        fields = ["position", "url", "thumbnail_url", "content_type", "size_bytes", "width_px", "height_px",
                  "exif_longitude", "exif_latitude", "exif_distance_m"]

    def get_url(self, photo) -> str:
        return reverse("field-photo", args=[photo.submission.client_uuid, photo.position, "image"])

    def get_thumbnail_url(self, photo) -> str:
        return reverse("field-photo", args=[photo.submission.client_uuid, photo.position, "thumbnail"])

    def get_exif_longitude(self, photo) -> float | None:
        return photo.exif_location.x if photo.exif_location else None

    def get_exif_latitude(self, photo) -> float | None:
        return photo.exif_location.y if photo.exif_location else None


class EventSerializer(serializers.ModelSerializer):
    """One review transition."""

    actor = serializers.CharField(source="actor.username")

    class Meta:
        model = SubmissionEvent
        fields = ["action", "from_state", "to_state", "actor", "at", "reason"]


class SubmissionSerializer(serializers.ModelSerializer):
    """A stored submission: what was sent, where it fell, its flags, duplicates, photos and review trail."""

    uuid = serializers.UUIDField(source="client_uuid")
    officer = serializers.CharField(source="officer.username")
    longitude = serializers.SerializerMethodField()
    latitude = serializers.SerializerMethodField()
    line = serializers.SerializerMethodField()
    site = serializers.UUIDField(source="site_uid", allow_null=True)
    lao = serializers.SerializerMethodField()
    place = serializers.SerializerMethodField()
    photos = serializers.SerializerMethodField()
    events = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = ["uuid", "kind", "programme", "state", "officer", "longitude", "latitude", "line", "accuracy_m",
                  "accuracy_note", "altitude_m", "captured_at", "received_at", "attributes", "note", "site", "lao",
                  "place", "flags", "duplicate_candidates", "duplicate_decision", "photos", "events"]

    # A submission stored by this very request carries its rows (photo_rows, event_rows): no query to answer.
    @extend_schema_field(PhotoSerializer(many=True))
    def get_photos(self, sub) -> list:
        rows = getattr(sub, "photo_rows", None)
        return PhotoSerializer(sub.photos.all() if rows is None else rows, many=True).data

    @extend_schema_field(EventSerializer(many=True))
    def get_events(self, sub) -> list:
        rows = getattr(sub, "event_rows", None)
        return EventSerializer(sub.events.all() if rows is None else rows, many=True).data

    def get_longitude(self, sub) -> float:
        return sub.location.x

    def get_latitude(self, sub) -> float:
        return sub.location.y

    def get_line(self, sub) -> dict | None:
        return {"type": "MultiLineString", "coordinates": sub.line.coords} if sub.line else None

    def get_lao(self, sub) -> dict:
        return {"code": sub.lao.code, "name_th": sub.lao.full_name_th or sub.lao.name_th, "name_en": sub.lao.name_en}

    def get_place(self, sub) -> dict:
        s = sub.subdistrict
        return {"subdistrict_code": s.code, "subdistrict_th": s.name_th, "subdistrict_en": s.name_en,
                "district_th": s.district.name_th, "district_en": s.district.name_en,
                "province_th": sub.province.name_th, "province_en": sub.province.name_en}

    def to_representation(self, sub) -> dict:
        """The body the fields above describe, built directly (DRF's generic path cost about 1 ms per answer)."""
        events = getattr(sub, "event_rows", None)
        return {
            "uuid": str(sub.client_uuid), "kind": str(sub.kind), "programme": sub.programme, "state": str(sub.state),
            "officer": sub.officer.username, "longitude": sub.location.x, "latitude": sub.location.y,
            "line": self.get_line(sub), "accuracy_m": float(sub.accuracy_m), "accuracy_note": sub.accuracy_note,
            "altitude_m": None if sub.altitude_m is None else float(sub.altitude_m),
            "captured_at": iso_datetime(sub.captured_at), "received_at": iso_datetime(sub.received_at),
            "attributes": sub.attributes, "note": sub.note,
            "site": None if sub.site_uid is None else str(sub.site_uid),
            "lao": self.get_lao(sub), "place": self.get_place(sub), "flags": sub.flags,
            "duplicate_candidates": sub.duplicate_candidates, "duplicate_decision": str(sub.duplicate_decision),
            "photos": self.get_photos(sub),
            "events": [event_body(event) for event in (sub.events.all() if events is None else events)],
        }


def iso_datetime(value) -> str | None:
    """A datetime as DRF's DateTimeField writes it: ISO 8601 in the current time zone, UTC as 'Z'."""
    if value is None:
        return None
    text = timezone.localtime(value).isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def event_body(event: SubmissionEvent) -> dict:
    """One review transition as EventSerializer describes it."""
    return {"action": event.action, "from_state": event.from_state, "to_state": event.to_state,
            "actor": event.actor.username, "at": iso_datetime(event.at), "reason": event.reason}


class ReasonInput(serializers.Serializer):
    """Why a reviewer rejects or returns a submission (required) or approves it (optional)."""

    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)


class DuplicateDecisionInput(serializers.Serializer):
    """The officer's or reviewer's answer to "is this the same site as a candidate?"."""

    decision = serializers.ChoiceField(choices=[c for c in DuplicateDecision.values if c])
    site = serializers.UUIDField(required=False, allow_null=True, help_text="For same_site: which candidate site")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=2000)
