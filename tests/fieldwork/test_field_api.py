"""The field submission API: idempotent on the device's UUID, every check refused in Thai and English."""
import uuid
from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from gis_service.accounts.models import LaoMembership
from gis_service.fieldwork.models import Submission, SubmissionEvent
from gis_service.programmes.models import GroundwaterBank
from tests.fieldwork.test_field_support import make_officer, make_reviewer, spot, well_payload

pytestmark = pytest.mark.django_db
URL = "/api/field/submissions"


@pytest.fixture
def officer():
    user, token = make_officer("field-api-officer")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return user, client


def refused(response, status: int = 400) -> dict:
    """Assert a refusal and that it speaks both languages."""
    assert response.status_code == status, response.content
    body = response.json()
    assert body["errors"] and all(e["message_en"] and e["message_th"] for e in body["errors"])
    return body


def test_new_submission_is_stored_with_its_place_and_answered_201(officer):
    user, client = officer
    payload = well_payload()
    response = client.post(URL, payload, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["uuid"] == payload["uuid"] and body["state"] == "submitted" and body["officer"] == user.username
    assert body["place"]["subdistrict_code"] == "TH300101"
    assert body["place"]["province_en"] == "Nakhon Ratchasima"
    assert body["flags"] == [] and body["duplicate_candidates"] == []
    assert [e["action"] for e in body["events"]] == ["submit"]
    assert Submission.objects.filter(client_uuid=payload["uuid"]).count() == 1


def test_resend_with_same_content_answers_the_same_submission_and_creates_nothing(officer):
    _, client = officer
    payload = well_payload()
    first = client.post(URL, payload, format="json")
    again = client.post(URL, payload, format="json")
    assert first.status_code == 201 and again.status_code == 200
    assert again.json() == first.json()
    assert Submission.objects.filter(client_uuid=payload["uuid"]).count() == 1
    assert SubmissionEvent.objects.filter(submission__client_uuid=payload["uuid"]).count() == 1


def test_same_uuid_with_different_content_is_a_conflict(officer):
    _, client = officer
    payload = well_payload()
    assert client.post(URL, payload, format="json").status_code == 201
    changed = {**payload, "accuracy_m": 9.0}
    body = refused(client.post(URL, changed, format="json"), 409)
    assert body["errors"][0]["code"] == "uuid_reused"
    assert Submission.objects.get(client_uuid=payload["uuid"]).accuracy_m == 6.5


def test_registration_outside_thailand_is_refused():
    _, token = make_officer("field-abroad")
    client = APIClient(HTTP_AUTHORIZATION=f"Token {token}")
    body = refused(client.post(URL, well_payload(longitude=105.85, latitude=21.03), format="json"))
    assert body["errors"][0]["code"] == "outside_thailand"
    assert "ไม่อยู่ในประเทศไทย" in body["detail_th"]


@pytest.mark.national
def test_registration_outside_officer_lao_says_where_it_fell(officer):
    _, client = officer
    chiang_mai = {"longitude": 98.9853, "latitude": 18.7883}
    payload = well_payload(**chiang_mai)
    body = refused(client.post(URL, payload, format="json"))
    error = body["errors"][0]
    assert error["code"] == "outside_officer_lao"
    assert "Chiang Mai" in error["message_en"] and "เชียงใหม่" in error["message_th"]
    assert error["place"]["province"]["name_en"] == "Chiang Mai"
    assert error["place"]["district"]["name_en"] and error["place"]["subdistrict"]["name_th"]
    assert not Submission.objects.filter(client_uuid=payload["uuid"]).exists()


def test_accuracy_above_limit_is_refused_and_weak_fix_is_flagged(officer):
    _, client = officer
    body = refused(client.post(URL, well_payload(accuracy_m=150), format="json"))
    assert body["errors"][0]["code"] == "accuracy_too_poor" and "150 m" in body["detail"]
    weak = client.post(URL, well_payload(accuracy_m=45, accuracy_note="under trees"), format="json")
    assert weak.status_code == 201
    flags = weak.json()["flags"]
    assert [f["code"] for f in flags] == ["low_accuracy"] and "under trees" in flags[0]["message_en"]


def test_capture_time_in_future_or_older_than_30_days_is_refused(officer):
    _, client = officer
    future = (timezone.now() + timedelta(hours=2)).isoformat()
    assert refused(client.post(URL, well_payload(captured_at=future), format="json"))["errors"][0]["code"] \
        == "captured_in_future"
    old = (timezone.now() - timedelta(days=31)).isoformat()
    assert refused(client.post(URL, well_payload(captured_at=old), format="json"))["errors"][0]["code"] \
        == "captured_too_long_ago"


def test_invalid_attributes_are_refused_by_the_validation_path(officer):
    _, client = officer
    payload = well_payload()
    payload["attributes"] = {**payload["attributes"], "programme_year": 2567, "depth_m": -3}
    body = refused(client.post(URL, payload, format="json"))
    fields = {e["field"] for e in body["errors"]}
    assert {"attributes.programme_year", "attributes.depth_m"} <= fields
    assert "use 2024" in body["detail"]
    assert "ปีงบประมาณ" in body["detail_th"]
    unknown = well_payload(attributes={"name_th": "x", "programme_year": 2024, "colour": "blue"})
    assert "colour" in refused(client.post(URL, unknown, format="json"))["detail"]


def test_missing_and_malformed_fields_are_refused_per_field(officer):
    _, client = officer
    payload = well_payload()
    del payload["accuracy_m"]
    payload["uuid"] = "not-a-uuid"
    body = refused(client.post(URL, payload, format="json"))
    assert {e["field"] for e in body["errors"]} == {"accuracy_m", "uuid"}


def test_nearby_existing_well_is_flagged_as_possible_duplicate(officer):
    _, client = officer
    well = GroundwaterBank.objects.filter(subdistrict__code="TH300101").first() or GroundwaterBank.objects.filter(
        subdistrict__province__code="TH30").first()
    user, _ = officer
    LaoMembership.objects.get_or_create(user=user, lao=well.lao)
    lon, lat = well.geom.coords
    body = client.post(URL, well_payload(longitude=lon + 0.0001, latitude=lat), format="json").json()
    assert "possible_duplicate" in [f["code"] for f in body["flags"]]
    candidate = body["duplicate_candidates"][0]
    assert candidate["uid"] == str(well.uid) and 5 < candidate["distance_m"] < 25


def test_two_pending_submissions_at_one_spot_are_flagged(officer):
    _, client = officer
    first = client.post(URL, well_payload(step=3), format="json").json()
    second = client.post(URL, well_payload(step=3), format="json").json()
    assert first["duplicate_candidates"] == []
    assert second["duplicate_candidates"][0] == {**second["duplicate_candidates"][0], "type": "submission",
                                                 "uuid": first["uuid"]}


def test_road_is_registered_by_its_track_and_overlap_is_a_duplicate(officer):
    _, client = officer
    lon, lat = spot(5)
    track = {"type": "LineString", "coordinates": [[lon, lat], [lon + 0.004, lat + 0.001], [lon + 0.008, lat]]}
    road = {"uuid": str(uuid.uuid4()), "programme": "local_road", "longitude": lon, "latitude": lat,
            "accuracy_m": 5, "captured_at": timezone.now().isoformat(), "line": track,
            "attributes": {"name_th": "ถนนภาคสนาม", "programme_year": 2023, "surface": "concrete"}}
    response = client.post(URL, road, format="json")
    assert response.status_code == 201, response.json()
    no_line = {**road, "uuid": str(uuid.uuid4()), "line": None}
    assert refused(client.post(URL, no_line, format="json"))["errors"][0]["code"] == "line_required"


def test_anonymous_and_non_officers_cannot_submit():
    assert APIClient().post(URL, well_payload(), format="json").status_code == 401
    _, token = make_reviewer("field-api-reviewer-only")
    response = APIClient(HTTP_AUTHORIZATION=f"Token {token}").post(URL, well_payload(), format="json")
    assert refused(response, 403)["errors"][0]["code"] == "not_a_field_officer"


def test_officer_sees_own_submissions_and_their_state(officer):
    _, client = officer
    payload = well_payload(step=7)
    client.post(URL, payload, format="json")
    mine = client.get(URL).json()
    assert [s["uuid"] for s in mine] == [payload["uuid"]] and mine[0]["state"] == "submitted"


def test_programmes_describe_their_forms_in_both_languages():
    body = APIClient().get("/api/field/programmes").json()
    well = next(p for p in body["programmes"] if p["slug"] == "groundwater_banks")
    fields = {f["name"]: f for f in well["fields"]}
    assert fields["name_th"]["required"] and fields["name_th"]["label_th"]
    assert {c["value"] for c in fields["system_type"]["choices"]} == {"open", "closed"}
    assert well["refuse_above_m"] == 100 and well["flag_above_m"] == 30


def test_the_officer_and_each_submission_name_the_register_lao_in_full(officer):
    _, client = officer
    body = client.post(URL, well_payload(step=7), format="json").json()
    assert body["lao"]["code"] == "3300102"
    assert body["lao"]["name_th"] == "เทศบาลนครนครราชสีมา"
    assert body["lao"]["name_en"] == "Nakhon Ratchasima City Municipality"
    stored = client.get(f"{URL}/{body['uuid']}").json()
    assert stored["lao"] == body["lao"], "the stored submission answers as the new one did"
    me = client.get("/api/field/me").json()
    assert me["laos"] == [{"code": "3300102", "name_th": "เทศบาลนครนครราชสีมา",
                           "name_en": "Nakhon Ratchasima City Municipality"}]
