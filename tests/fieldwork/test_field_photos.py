"""Photos: JPEG/PNG up to 10 MB, EXIF GPS compared with the submitted point, nothing half-written."""
import io
import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection
from PIL import Image
from rest_framework.test import APIClient

from gis_service.fieldwork.intake import receive
from gis_service.fieldwork.models import Submission, SubmissionPhoto
from gis_service.fieldwork.serializers import SubmissionInput
from tests.fieldwork.test_field_support import jpeg_bytes, make_officer, spot, well_payload

pytestmark = pytest.mark.django_db
URL = "/api/field/submissions"


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def officer():
    user, token = make_officer("field-photo-officer")
    return user, APIClient(HTTP_AUTHORIZATION=f"Token {token}")


def multipart(payload: dict, photos: list[tuple[str, bytes, str]]) -> dict:
    """The form a phone posts: plain fields, JSON text for attributes, files under 'photos'."""
    form = {k: (json.dumps(v) if isinstance(v, (dict, list)) else v) for k, v in payload.items() if v is not None}
    form["photos"] = [SimpleUploadedFile(name, data, content_type=ctype) for name, data, ctype in photos]
    return form


def stored_files(media) -> list:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def test_photo_with_gps_exif_near_the_point_is_stored_with_a_thumbnail(officer, media):
    _, client = officer
    payload = well_payload(step=11)
    near = (payload["longitude"] + 0.0002, payload["latitude"])  # about 20 m east
    response = client.post(URL, multipart(payload, [("well.jpg", jpeg_bytes(gps=near), "image/jpeg")]),
                           format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["flags"] == []
    photo = body["photos"][0]
    assert photo["content_type"] == "image/jpeg" and (photo["width_px"], photo["height_px"]) == (640, 480)
    assert photo["exif_longitude"] == pytest.approx(near[0], abs=1e-5)
    assert photo["exif_latitude"] == pytest.approx(near[1], abs=1e-5)
    assert 15 < photo["exif_distance_m"] < 30
    thumb = client.get(photo["thumbnail_url"])
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    with Image.open(io.BytesIO(b"".join(thumb.streaming_content))) as image:
        assert max(image.size) == 320
    assert len(stored_files(media)) == 2


def test_photo_taken_far_from_the_point_flags_the_submission(officer, media):
    _, client = officer
    payload = well_payload(step=12)
    far = (payload["longitude"], payload["latitude"] + 0.005)  # about 550 m north
    png = io.BytesIO()
    Image.new("RGB", (64, 64)).save(png, "PNG")
    photos = [("plain.png", png.getvalue(), "image/png"), ("far.jpg", jpeg_bytes(gps=far), "image/jpeg")]
    body = client.post(URL, multipart(payload, photos), format="multipart").json()
    assert [f["code"] for f in body["flags"]] == ["photo_far_from_point"]
    assert "Photo 2" in body["flags"][0]["message_en"] and "รูปที่ 2" in body["flags"][0]["message_th"]
    assert [p["content_type"] for p in body["photos"]] == ["image/png", "image/jpeg"]
    assert body["photos"][0]["exif_distance_m"] is None


def test_file_that_is_not_an_image_is_refused_and_nothing_is_written(officer, media):
    _, client = officer
    payload = well_payload(step=13)
    photos = [("ok.jpg", jpeg_bytes(), "image/jpeg"), ("notes.jpg", b"this is not a photo", "image/jpeg")]
    response = client.post(URL, multipart(payload, photos), format="multipart")
    assert response.status_code == 400
    error = response.json()["errors"][0]
    assert error["code"] == "photo_not_an_image" and "notes.jpg" in error["message_en"] and error["message_th"]
    assert not Submission.objects.filter(client_uuid=payload["uuid"]).exists()
    assert stored_files(media) == []


def test_photo_over_10_mb_is_refused(officer, media):
    _, client = officer
    payload = well_payload(step=14)
    big = jpeg_bytes() + b"\0" * (10 * 1024 * 1024)
    response = client.post(URL, multipart(payload, [("big.jpg", big, "image/jpeg")]), format="multipart")
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "photo_too_large"
    assert not Submission.objects.filter(client_uuid=payload["uuid"]).exists()
    assert stored_files(media) == []


def test_database_failure_after_files_were_written_removes_them_and_every_row(officer, media):
    user, _ = officer
    # A real database failure in the middle of the transaction: a trigger refuses the second photo row.
    with connection.cursor() as cursor:
        cursor.execute("""
            CREATE FUNCTION field_test_refuse_photo() RETURNS trigger AS $$
            BEGIN IF NEW.position = 1 THEN RAISE EXCEPTION 'refused by test trigger'; END IF; RETURN NEW; END
            $$ LANGUAGE plpgsql;
            CREATE TRIGGER field_test_refuse_photo BEFORE INSERT ON fieldwork_submissionphoto
              FOR EACH ROW EXECUTE FUNCTION field_test_refuse_photo();""")
    payload = well_payload(step=15)
    form = multipart(payload, [("a.jpg", jpeg_bytes(), "image/jpeg"), ("b.jpg", jpeg_bytes(size=(100, 80)),
                                                                        "image/jpeg")])
    form["attributes"] = payload["attributes"]
    incoming = SubmissionInput(data=form)
    assert incoming.is_valid(), incoming.errors
    with pytest.raises(DatabaseError, match="refused by test trigger"):
        receive(user, incoming.validated_data)
    assert not Submission.objects.filter(client_uuid=payload["uuid"]).exists()
    assert not SubmissionPhoto.objects.filter(submission__client_uuid=payload["uuid"]).exists()
    assert stored_files(media) == []


def test_resend_with_the_same_photo_is_recognised_and_with_another_photo_is_a_conflict(officer, media):
    _, client = officer
    payload = well_payload(step=16, uuid=str(uuid.uuid4()))
    photo = jpeg_bytes(gps=spot(16))
    first = client.post(URL, multipart(payload, [("p.jpg", photo, "image/jpeg")]), format="multipart")
    again = client.post(URL, multipart(payload, [("p.jpg", photo, "image/jpeg")]), format="multipart")
    other = client.post(URL, multipart(payload, [("p.jpg", jpeg_bytes(), "image/jpeg")]), format="multipart")
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 409)
    assert again.json() == first.json()
    assert SubmissionPhoto.objects.filter(submission__client_uuid=payload["uuid"]).count() == 1
    assert len(stored_files(media)) == 2
