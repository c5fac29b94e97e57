"""Receiving a submission: check everything first, then write rows and files all together, exactly once."""
import datetime as dt
import hashlib
import json
from contextlib import nullcontext
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.contrib.gis.geos import GEOSGeometry, Point
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from gis_service.fieldwork import checks
from gis_service.fieldwork.errors import Conflict, Forbidden, NotFound, Refused
from gis_service.fieldwork.lookup import look_up
from gis_service.fieldwork.models import Kind, Submission, SubmissionPhoto
from gis_service.fieldwork.photos import (
    EXIF_DISTANCE_FLAG_M,
    MAX_PHOTOS,
    check_photo,
    distance_m,
    remove_files,
    store_photo,
)
from gis_service.fieldwork.programmes import DEPRECATED_ALIASES, FieldProgramme, field_programme
from gis_service.fieldwork.rows import insert_with_first_event
from gis_service.geography.geometry_input import WRONG_TYPE, GeometryInputError, point_at, read_geometry
from gis_service.geography.queries import serving_lao_ids

# Everything that makes up a submission's content, photos aside (they are hashed by their bytes).
HASHED_FIELDS = ["uuid", "programme", "kind", "site", "longitude", "latitude", "accuracy_m", "accuracy_note",
                 "altitude_m", "captured_at", "attributes", "line", "lao", "note"]
HASHED_PROGRAMME_ID = {programme_id: alias for alias, programme_id in DEPRECATED_ALIASES.items()}
# An inspection sent further than this from a point site is flagged.
FAR_FROM_SITE_M = 100.0


@dataclass
class Received:
    """The stored submission and whether this request created it (False: a resend of the same content)."""

    submission: Submission
    created: bool


def content_sha256(user: User, data: dict, photo_hashes: list[str]) -> str:
    """A hash of everything sent, so a resend (same hash) can be told from a reused UUID (different hash)."""
    canonical = {key: data.get(key) for key in HASHED_FIELDS}
    # Hashed under the id the field API used before ids were unified, so a phone resending a submission
    # stored before then (under either id) is still recognised as a resend, not a reused UUID.
    canonical["programme"] = HASHED_PROGRAMME_ID.get(data.get("programme"), data.get("programme"))
    canonical["captured_at"] = data["captured_at"].astimezone(dt.UTC).isoformat()
    canonical["officer"] = user.pk
    canonical["photos"] = photo_hashes
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, default=str).encode()).hexdigest()


def upload_sha256(upload) -> str:
    """Hash an uploaded file without keeping it in memory twice; rewinds it for the checks."""
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def receive(user: User, data: dict) -> Received:
    """Check and store one submission, or recognise it as a resend of one already stored."""
    uploads = data.get("photos") or []
    if len(uploads) > MAX_PHOTOS:
        raise Refused(format_lazy(_("Send at most {count} photos with one submission."), count=MAX_PHOTOS),
                      code="too_many_photos", field="photos")
    digest = content_sha256(user, data, [upload_sha256(upload) for upload in uploads])
    programme = field_programme(data["programme"])
    point = point_at(data["longitude"], data["latitude"])
    new_site = data["kind"] == Kind.NEW_SITE
    # A road's track is read now so that the one lookup can search duplicates of it; a track that cannot be
    # read is refused only after the resend, time, accuracy and place checks, as it always was.
    geometry, unreadable_track = None, None
    if new_site:
        try:
            geometry = site_geometry(programme, point, data.get("line"))
        except Refused as exc:
            unreadable_track = exc
    facts = look_up(user, programme, data["uuid"], data["longitude"], data["latitude"], data["lao"], geometry)
    if facts.stored_id is not None:
        return Received(same_or_conflict(facts.stored_id, facts.stored_sha256, data["uuid"], digest), created=False)

    photos = [check_photo(upload, position) for position, upload in enumerate(uploads)]
    checks.check_capture_time(data["captured_at"])
    flags = checks.check_accuracy(programme, data["accuracy_m"], data["accuracy_note"])
    placement = checks.check_place(facts, data["longitude"], data["latitude"], data["lao"])
    submission = Submission(
        client_uuid=data["uuid"], content_sha256=digest, kind=data["kind"], programme=programme.slug, officer=user,
        lao=placement.lao, subdistrict=placement.subdistrict, province=placement.province,
        location=point, accuracy_m=data["accuracy_m"], accuracy_note=data["accuracy_note"],
        altitude_m=data.get("altitude_m"), captured_at=data["captured_at"], attributes=data["attributes"],
        note=data["note"],
    )
    if new_site:
        if unreadable_track is not None:
            raise unreadable_track
        submission.line = geometry if programme.is_line else None
        checks.build_new_site(programme, data["attributes"], geometry, placement.lao_id)
        submission.duplicate_candidates = facts.candidates
        if submission.duplicate_candidates:
            flags.append(checks.flag("possible_duplicate", format_lazy(
                _("{count} existing site(s) or pending submission(s) within {radius_m:.0f} m: "
                  "decide 'same site' or 'a different site'."),
                count=len(submission.duplicate_candidates), radius_m=programme.duplicate_radius_m,
            )))
    else:
        site = inspected_site(user, programme, data.get("site"), data["captured_at"])
        submission.site_uid = site.uid
        checks.apply_inspection(programme, site, data["attributes"])
        flags += far_from_site_flags(programme, site, point)
    flags += photo_flags(photos, point)
    submission.flags = flags
    return store(user, submission, photos, digest)


def same_or_conflict(stored_id: int, stored_sha256: str, client_uuid, digest: str) -> Submission:
    """A resend answers with the stored submission; the same UUID with other content is a conflict."""
    if stored_sha256 == digest:
        return Submission(id=stored_id, client_uuid=client_uuid, content_sha256=stored_sha256)
    raise Conflict(
        format_lazy(_("Submission {uuid} was already received with different content: "
                      "make a new submission (a new UUID) for a new record."), uuid=client_uuid),
        code="uuid_reused", field="uuid",
    )


def store(user: User, submission: Submission, photos: list, digest: str) -> Received:
    """Write the submission, its first event and its photos all together; remove the files if it fails."""
    stored_files: list[str] = []
    # The submission and its event are one statement, atomic by itself; photos (rows and files) join it in a
    # transaction. Inside a caller's transaction a savepoint keeps a lost UUID race from spoiling it.
    together = transaction.atomic() if photos or connection.in_atomic_block else nullcontext()
    try:
        with together:
            submission.event_rows = [insert_with_first_event(submission, user)]
            point = submission.location
            submission.photo_rows = []
            for position, photo in enumerate(photos):
                image_name, thumb_name = store_photo(submission.client_uuid, position, photo, stored_files)
                exif = point_at(*photo.exif_lon_lat) if photo.exif_lon_lat else None
                submission.photo_rows.append(SubmissionPhoto.objects.create(
                    submission=submission, position=position, image=image_name, thumbnail=thumb_name,
                    content_type=photo.content_type, size_bytes=len(photo.data), width_px=photo.width_px,
                    height_px=photo.height_px, sha256=photo.sha256, exif_location=exif,
                    exif_distance_m=round(distance_m(photo.exif_lon_lat, point.coords), 1) if exif else None,
                ))
    except IntegrityError:
        remove_files(stored_files)
        # Another request with the same UUID won the race: answer as for a resend. (Nothing else of this
        # submission was written before its own row, so any other integrity error is not that race.)
        existing = Submission.objects.filter(client_uuid=submission.client_uuid).values_list(
            "id", "content_sha256").first()
        if existing is None:
            raise
        return Received(same_or_conflict(*existing, submission.client_uuid, digest), created=False)
    except BaseException:
        remove_files(stored_files)
        raise
    return Received(submission, created=True)


def site_geometry(programme: FieldProgramme, point: Point, line) -> GEOSGeometry:
    """The new site's geometry: the point itself, or for a road the track that was sent."""
    if not programme.is_line:
        return point
    if not line:
        raise Refused(
            _("A road is registered by its track: send 'line' as a GeoJSON LineString of at least two points."),
            code="line_required", field="line",
        )
    try:
        return read_geometry(line, ("LineString", "MultiLineString"), geojson_only=True, wgs84_only=True)
    except GeometryInputError as exc:
        if exc.reason == WRONG_TYPE:
            raise Refused(format_lazy(_("The road's track must be a LineString, not a {geometry_type}."),
                                      geometry_type=exc.geom_type),
                          code="line_wrong_type", field="line") from None
        raise Refused(format_lazy(_("The road's track could not be read ({reason}): send GeoJSON."), reason=exc.detail),
                      code="line_unreadable", field="line") from None


def inspected_site(user: User, programme: FieldProgramme, site_uid, captured_at):
    """The existing site an inspection is about; the officer's LAOs must serve where it lies."""
    if not site_uid:
        raise Refused(_("An inspection names the site inspected: send its uid as 'site'."),
                      code="site_required", field="site")
    site = programme.model.objects.filter(uid=site_uid).first()
    if site is None:
        raise NotFound(format_lazy(_("No {programme} has uid {uid}: choose the site from the list of sites nearby."),
                                   programme=checks.programme_name(programme), uid=site_uid),
                       code="site_not_found", field="site")
    serves = user.lao_memberships.filter(lao_id__in=serving_lao_ids(site.subdistrict_id)).exists()
    if not serves:
        raise Forbidden(format_lazy(_("Site {code} lies outside the area of your LAOs: "
                                      "only officers of its LAO inspect it."), code=site.code),
                        code="site_outside_officer_lao", field="site")
    if hasattr(site, "last_inspection_date"):
        site.last_inspection_date = timezone.localdate(captured_at)
    return site


def far_from_site_flags(programme: FieldProgramme, site, point: Point) -> list[dict]:
    """An inspection of a point site sent from far away from it needs a reviewer's eye."""
    if programme.is_line:
        return []
    gap_m = distance_m(point.coords, site.geom.coords)
    if gap_m <= FAR_FROM_SITE_M:
        return []
    return [checks.flag("far_from_site",
                        format_lazy(_("The inspection was sent {gap_m:.0f} m from the site."), gap_m=gap_m))]


def photo_flags(photos: list, point: Point) -> list[dict]:
    """A photo whose own GPS position lies far from the submitted point may be of another place."""
    flags = []
    for position, photo in enumerate(photos):
        if photo.exif_lon_lat is None:
            continue
        gap_m = distance_m(photo.exif_lon_lat, point.coords)
        if gap_m > EXIF_DISTANCE_FLAG_M:
            flags.append(checks.flag("photo_far_from_point", format_lazy(
                _("Photo {number} was taken {gap_m:.0f} m from the submitted point (its EXIF GPS position)."),
                number=position + 1, gap_m=gap_m,
            )))
    return flags
