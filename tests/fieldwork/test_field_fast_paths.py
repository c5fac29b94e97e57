"""The intake's short cuts give exactly what the long way gave: bodies, roles, duplicates, and the validation path."""
import json
import threading
import uuid

import pytest
from django.contrib.auth.models import Group
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.db import DatabaseError, connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.test import APIClient

from gis_service.fieldwork.intake import store
from gis_service.fieldwork.models import Submission
from gis_service.fieldwork.serializers import SubmissionSerializer
from gis_service.fieldwork.views import with_relations
from gis_service.geography.models import LAO, Subdistrict
from gis_service.prepared import run_prepared
from gis_service.programmes.models import GroundwaterBank, LocalRoad, Status
from gis_service.programmes.validation import validate_site
from tests.fieldwork.test_field_photos import multipart
from tests.fieldwork.test_field_support import jpeg_bytes, local_lao, make_officer, make_reviewer, spot, well_payload

pytestmark = pytest.mark.django_db
URL = "/api/field/submissions"


@pytest.fixture
def phone():
    user, token = make_officer("field-fast-officer")
    return user, APIClient(HTTP_AUTHORIZATION=f"Token {token}")


def as_json(data) -> object:
    return json.loads(JSONRenderer().render(data))


def generic_body(submission: Submission) -> dict:
    """What DRF builds from SubmissionSerializer's declared fields, field by field (the long way)."""
    serializer = SubmissionSerializer(submission)
    return as_json(serializers.ModelSerializer.to_representation(serializer, submission))


def test_submission_body_is_what_the_declared_fields_give(phone, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    _, client = phone
    _, reviewer_token = make_reviewer("field-fast-reviewer")
    first = client.post(URL, well_payload(step=44), format="json").json()
    payload = well_payload(step=44, accuracy_m=45, accuracy_note="under trees", note="second visit")
    far = (payload["longitude"] + 0.01, payload["latitude"])  # a photo taken about 1 km away: flagged
    sent = client.post(URL, multipart(payload, [("w.jpg", jpeg_bytes(gps=far), "image/jpeg")]), format="multipart")
    assert sent.status_code == 201, sent.content
    APIClient(HTTP_AUTHORIZATION=f"Token {reviewer_token}").post(
        f"{URL}/{first['uuid']}/return", {"reason": "photo missing"}, format="json")

    for client_uuid in (first["uuid"], payload["uuid"]):
        stored = with_relations(Submission.objects.filter(client_uuid=client_uuid)).get()
        assert as_json(SubmissionSerializer(stored).data) == generic_body(stored)
    body = sent.json()
    assert {f["code"] for f in body["flags"]} == {"low_accuracy", "possible_duplicate", "photo_far_from_point"}
    assert body["duplicate_candidates"][0]["uuid"] == first["uuid"] and body["photos"][0]["exif_distance_m"] > 900
    # The 201 body (built from the rows this request wrote) is the body every later read gives.
    assert client.get(f"{URL}/{payload['uuid']}").json() == body


def test_roles_are_read_with_the_token_on_every_request(phone):
    user, client = phone
    assert client.get("/api/field/me").json()["roles"] == ["field_officer"]
    user.groups.remove(Group.objects.get(name="field_officer"))
    refused = client.post(URL, well_payload(step=45), format="json")
    assert refused.status_code == 403 and refused.json()["errors"][0]["code"] == "not_a_field_officer"
    user.groups.add(Group.objects.get(name="administrator"))
    assert client.post(URL, well_payload(step=45), format="json").status_code == 201
    user.is_active = False
    user.save()
    assert client.post(URL, well_payload(step=46), format="json").status_code == 401
    assert APIClient(HTTP_AUTHORIZATION="Token not-a-token").get("/api/field/me").status_code == 401


def test_a_new_submission_plans_two_statements_and_runs_two_prepared(phone):
    _, client = phone
    client.post(URL, well_payload(step=47), format="json")  # the session prepares its statements once
    with CaptureQueriesContext(connection) as queries:
        assert client.post(URL, well_payload(step=48), format="json").status_code == 201
    # Planned each time: the validation path's place and LAO; the submission with its event (one INSERT).
    statements = [q["sql"] for q in queries.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    assert len(statements) == 2, statements
    assert (
        statements[0].lstrip().startswith("WITH place AS") and "INSERT INTO fieldwork_submissionevent" in statements[1]
    )
    # Token with roles, and resend/place/LAO/duplicates: prepared in this session, not planned again.
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM pg_prepared_statements")
        names = {name for (name,) in cursor.fetchall()}
    assert "field_token_user_roles" in names and any(name.startswith("field_lookup_") for name in names)


def test_a_submission_whose_event_cannot_be_written_leaves_no_row(phone, django_db_blocker):
    """Outside any transaction (as under gunicorn) the submission and its event are written all or nothing."""
    user, _ = phone
    point = Point(*spot(52), srid=4326)
    subdistrict = Subdistrict.objects.get(geom__intersects=point)
    submission = Submission(
        client_uuid=uuid.uuid4(),
        content_sha256="0" * 64,
        kind="new_site",
        programme="groundwater_banks",
        officer=user,
        lao=local_lao(*spot(52)),
        subdistrict=subdistrict,
        province_id=subdistrict.province_id,
        location=point,
        accuracy_m=5,
        captured_at=timezone.now(),
        attributes={"name_th": "บ่อ"},
    )

    def store_outside_any_transaction(_) -> bool:
        with connection.cursor() as cursor:
            cursor.execute("""
                CREATE FUNCTION field_test_refuse_event() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION 'event refused by test trigger'; END $$ LANGUAGE plpgsql;
                CREATE TRIGGER field_test_refuse_event BEFORE INSERT ON fieldwork_submissionevent
                  FOR EACH ROW EXECUTE FUNCTION field_test_refuse_event();""")
        try:
            assert not connection.in_atomic_block
            with pytest.raises(DatabaseError, match="event refused by test trigger"):
                store(user, submission, [], submission.content_sha256)
            return Submission.objects.filter(client_uuid=submission.client_uuid).exists()
        finally:
            with connection.cursor() as cursor:
                cursor.execute(
                    "DROP TRIGGER field_test_refuse_event ON fieldwork_submissionevent; "
                    "DROP FUNCTION field_test_refuse_event();"
                )

    with django_db_blocker.unblock():
        assert in_threads(store_outside_any_transaction, 1) == [False]


def in_threads(work, count: int) -> list:
    """Run work(n) in `count` threads, each on its own database connection (outside any test transaction)."""
    results, errors = [], []

    def run(n: int) -> None:
        try:
            results.append(work(n))
        except Exception as exc:  # noqa: BLE001 -- reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def test_prepared_statements_are_kept_per_thread_and_prepared_again_when_lost():
    barrier = threading.Barrier(2)

    def add_one_five_times(n: int) -> list[int]:
        answers = []
        for step in range(5):
            barrier.wait(timeout=30)  # the two threads take turns on their two connections
            answers.append(run_prepared("field_test_add_one", "SELECT $1::int + 1", [n * 10 + step])[0][0])
            if step == 2:
                with connection.cursor() as cursor:
                    cursor.execute("DEALLOCATE ALL")  # as DISCARD ALL would
        return answers

    assert sorted(in_threads(add_one_five_times, 2)) == [[1, 2, 3, 4, 5], [11, 12, 13, 14, 15]]


def test_road_along_a_registered_road_is_flagged_with_its_overlap(phone):
    _, client = phone
    lon, lat = spot(49)
    track = {"type": "LineString", "coordinates": [[lon, lat], [lon + 0.004, lat + 0.001], [lon + 0.008, lat]]}
    road = {
        "programme": "local_road",
        "longitude": lon,
        "latitude": lat,
        "accuracy_m": 5,
        "captured_at": timezone.now().isoformat(),
        "line": track,
        "attributes": {"name_th": "ถนนภาคสนาม", "programme_year": 2023, "surface": "concrete"},
    }
    first = client.post(URL, {**road, "uuid": str(uuid.uuid4())}, format="json").json()
    assert first["duplicate_candidates"] == []
    Submission.objects.filter(client_uuid=first["uuid"]).update(state="approved")  # no longer pending
    registered = LocalRoad(name_th="ถนนเดิม", programme_year=2022, lao=LAO.objects.get(code=first["lao"]["code"]))
    registered.geom = Submission.objects.get(client_uuid=first["uuid"]).line
    registered.save()
    shifted = {**track, "coordinates": [[x, y + 0.00005] for x, y in track["coordinates"]]}  # about 5 m north
    second = client.post(URL, {**road, "uuid": str(uuid.uuid4()), "line": shifted}, format="json").json()
    candidate = second["duplicate_candidates"][0]
    assert candidate["uid"] == str(registered.uid) and candidate["overlap_share"] > 0.9
    assert "possible_duplicate" in [f["code"] for f in second["flags"]]


def test_pending_candidates_come_nearest_first(phone):
    _, client = phone
    lon, lat = spot(50)
    for offset_deg in (0.0002, 0.0001):  # about 22 m, then 11 m east
        client.post(URL, well_payload(longitude=lon + offset_deg, latitude=lat), format="json")
    body = client.post(URL, well_payload(longitude=lon, latitude=lat), format="json").json()
    distances = [c["distance_m"] for c in body["duplicate_candidates"]]
    assert len(distances) == 2 and distances == sorted(distances) and distances[0] < 15


def korat_well(**fields) -> GroundwaterBank:
    well = GroundwaterBank(name_th="บ่อทดสอบ", programme_year=2024, status=Status.OPERATIONAL, **fields)
    well.geom = Point(*spot(51), srid=4326)
    return well


def test_validation_path_reads_place_and_lao_in_one_query():
    subdistrict = Subdistrict.objects.get(geom__intersects=Point(*spot(51), srid=4326))
    lao = LAO.objects.exclude(kind__in=["pao", "bangkok"]).get(subdistricts=subdistrict)
    well = korat_well(lao_id=lao.id)
    with CaptureQueriesContext(connection) as queries:
        validate_site(well)
    assert len(queries.captured_queries) == 1
    assert well.subdistrict_id == subdistrict.id and well.code.startswith("GWB-")


def test_validation_path_refuses_an_lao_that_does_not_exist_as_django_would():
    well = korat_well(lao_id=987654321)
    with pytest.raises(ValidationError) as django_says:
        GroundwaterBank._meta.get_field("lao").validate(987654321, well)
    with pytest.raises(ValidationError) as caught:
        validate_site(well)
    assert caught.value.message_dict["lao"] == django_says.value.messages
    assert "987654321" in caught.value.message_dict["lao"][0]


def test_validation_path_refuses_an_lao_id_that_is_not_a_number():
    with pytest.raises(ValidationError) as caught:
        validate_site(korat_well(lao_id="not-a-number"))
    assert "lao" in caught.value.message_dict


def test_validation_path_lets_a_provincial_lao_serve_its_whole_province():
    subdistrict = Subdistrict.objects.get(geom__intersects=Point(*spot(51), srid=4326))
    provincial = LAO.objects.get(kind="pao", province_id=subdistrict.province_id)
    validate_site(korat_well(lao_id=provincial.id))
    elsewhere = LAO.objects.filter(kind="pao").exclude(province_id=subdistrict.province_id).first()
    with pytest.raises(ValidationError) as caught:
        validate_site(korat_well(lao_id=elsewhere.id))
    assert "does not serve" in " ".join(caught.value.message_dict["lao"])
