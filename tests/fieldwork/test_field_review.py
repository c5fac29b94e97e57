"""Review: the province queue, approval through the one validation path, reject/return with reasons, duplicates."""
import uuid

import pytest
from rest_framework.test import APIClient

from gis_service.accounts.models import LaoMembership
from gis_service.fieldwork.models import Submission
from gis_service.programmes.models import GroundwaterBank, Source, Status
from tests.fieldwork.test_field_support import make_officer, make_reviewer, spot, well_payload

pytestmark = [pytest.mark.django_db, pytest.mark.national]
URL = "/api/field/submissions"


@pytest.fixture
def team():
    """An officer in Nakhon Ratchasima, a reviewer of that province and one of Chiang Mai."""
    officer, officer_token = make_officer("field-review-officer")
    reviewer, reviewer_token = make_reviewer("field-review-korat", "TH30")
    _, other_token = make_reviewer("field-review-chiangmai", "TH50")
    return {
        "officer": officer, "reviewer": reviewer,
        "phone": APIClient(HTTP_AUTHORIZATION=f"Token {officer_token}"),
        "korat": APIClient(HTTP_AUTHORIZATION=f"Token {reviewer_token}"),
        "chiangmai": APIClient(HTTP_AUTHORIZATION=f"Token {other_token}"),
    }


def submit(team, payload) -> dict:
    response = team["phone"].post(URL, payload, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_queue_shows_the_reviewers_province_only(team):
    sent = submit(team, well_payload(step=20))
    assert sent["uuid"] in [s["uuid"] for s in team["korat"].get("/api/field/review-queue").json()]
    assert sent["uuid"] not in [s["uuid"] for s in team["chiangmai"].get("/api/field/review-queue").json()]
    assert team["chiangmai"].get(f"{URL}/{sent['uuid']}").status_code == 404
    assert team["phone"].get("/api/field/review-queue").status_code == 403


def test_approval_creates_the_site_publishes_it_and_records_the_reviewer(team):
    sent = submit(team, well_payload(step=21))
    response = team["korat"].post(f"{URL}/{sent['uuid']}/approve", {"reason": "checked photos"}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["state"] == "approved"
    assert body["events"][-1] == {**body["events"][-1], "action": "approve", "from_state": "submitted",
                                  "to_state": "approved", "actor": "field-review-korat", "reason": "checked photos"}
    site = GroundwaterBank.objects.get(uid=body["site"])
    assert site.published and site.source == Source.FIELD_GPS and site.subdistrict.code == "TH300101"
    assert site.code.startswith("GWB-") and site.gps_accuracy_m == 6.5
    assert site.created_by == team["officer"] and site.updated_by == team["reviewer"]
    assert site.geom.coords == pytest.approx(spot(21))
    record = site.history.latest()
    assert record.history_user == team["reviewer"] and sent["uuid"] in record.history_change_reason
    again = team["korat"].post(f"{URL}/{sent['uuid']}/approve", {}, format="json")
    assert again.status_code == 409 and again.json()["errors"][0]["code"] == "wrong_state"
    assert GroundwaterBank.objects.filter(uid=body["site"]).count() == 1


def test_reject_and_return_need_a_reason_and_are_recorded(team):
    rejected = submit(team, well_payload(step=22))
    no_reason = team["korat"].post(f"{URL}/{rejected['uuid']}/reject", {}, format="json")
    assert no_reason.status_code == 400 and no_reason.json()["errors"][0]["code"] == "reason_required"
    body = team["korat"].post(f"{URL}/{rejected['uuid']}/reject", {"reason": "a pond, not a well"},
                              format="json").json()
    assert body["state"] == "rejected" and body["events"][-1]["reason"] == "a pond, not a well"
    returned = submit(team, well_payload(step=23))
    team["korat"].post(f"{URL}/{returned['uuid']}/return", {"reason": "give the depth"}, format="json")
    mine = {s["uuid"]: s for s in team["phone"].get(URL).json()}
    assert mine[returned["uuid"]]["state"] == "returned" and mine[rejected["uuid"]]["state"] == "rejected"
    attributes = {**returned["attributes"], "depth_m": 4.5}
    fixed = team["phone"].post(f"{URL}/{returned['uuid']}/resubmit", {"attributes": attributes, "note": "depth added"},
                               format="json").json()
    assert fixed["state"] == "submitted" and fixed["attributes"]["depth_m"] == 4.5
    assert [e["action"] for e in fixed["events"]] == ["submit", "return", "resubmit"]


def test_officer_cannot_review_and_other_province_reviewer_cannot_approve(team):
    sent = submit(team, well_payload(step=24))
    assert team["phone"].post(f"{URL}/{sent['uuid']}/approve", {}, format="json").status_code == 403
    assert team["chiangmai"].post(f"{URL}/{sent['uuid']}/approve", {}, format="json").status_code == 404
    assert Submission.objects.get(client_uuid=sent["uuid"]).state == "submitted"


def test_possible_duplicate_must_be_decided_and_same_site_becomes_an_inspection(team):
    well = GroundwaterBank.objects.filter(subdistrict__province__code="TH30", status=Status.OPERATIONAL).first()
    LaoMembership.objects.get_or_create(user=team["officer"], lao=well.lao)
    lon, lat = well.geom.coords
    attributes = {**well_payload()["attributes"], "status": "needs_repair", "condition": "poor"}
    sent = submit(team, well_payload(longitude=lon, latitude=lat + 0.0001, attributes=attributes))
    assert sent["duplicate_candidates"][0]["uid"] == str(well.uid)
    blocked = team["korat"].post(f"{URL}/{sent['uuid']}/approve", {}, format="json")
    assert blocked.status_code == 409 and blocked.json()["errors"][0]["code"] == "duplicate_undecided"
    wrong = team["phone"].post(f"{URL}/{sent['uuid']}/duplicate-decision",
                               {"decision": "same_site", "site": str(uuid.uuid4())}, format="json")
    assert wrong.status_code == 400
    decided = team["phone"].post(f"{URL}/{sent['uuid']}/duplicate-decision",
                                 {"decision": "same_site", "site": str(well.uid)}, format="json")
    assert decided.status_code == 200 and decided.json()["duplicate_decision"] == "same_site"
    count = GroundwaterBank.objects.count()
    approved = team["korat"].post(f"{URL}/{sent['uuid']}/approve", {}, format="json").json()
    assert approved["site"] == str(well.uid) and GroundwaterBank.objects.count() == count
    well.refresh_from_db()
    assert well.status == Status.NEEDS_REPAIR and well.condition == "poor" and well.published
    assert well.history.latest().history_user == team["reviewer"]


def test_different_site_decision_lets_the_new_site_be_created(team):
    first = submit(team, well_payload(step=25))
    team["korat"].post(f"{URL}/{first['uuid']}/approve", {}, format="json")
    lon, lat = spot(25)
    second = submit(team, well_payload(longitude=lon + 0.0001, latitude=lat))
    first_site = str(Submission.objects.get(client_uuid=first["uuid"]).site_uid)
    assert [c["uid"] for c in second["duplicate_candidates"]] == [first_site]
    team["korat"].post(f"{URL}/{second['uuid']}/duplicate-decision", {"decision": "different_site"}, format="json")
    approved = team["korat"].post(f"{URL}/{second['uuid']}/approve", {}, format="json").json()
    assert approved["state"] == "approved" and approved["site"] not in (None, first_site)


def test_inspection_updates_status_and_condition_and_joins_the_site_history(team):
    well = GroundwaterBank.objects.filter(subdistrict__province__code="TH30", status=Status.OPERATIONAL).last()
    LaoMembership.objects.get_or_create(user=team["officer"], lao=well.lao)
    lon, lat = well.geom.coords
    inspection = well_payload(kind="inspection", site=str(well.uid), longitude=lon, latitude=lat,
                              attributes={"status": "needs_repair", "condition": "poor"})
    sent = submit(team, inspection)
    assert sent["kind"] == "inspection" and sent["site"] == str(well.uid) and sent["duplicate_candidates"] == []
    before = well.history.count()
    team["korat"].post(f"{URL}/{sent['uuid']}/approve", {"reason": "seen cracks"}, format="json")
    well.refresh_from_db()
    assert well.status == Status.NEEDS_REPAIR and well.condition == "poor"
    assert well.last_inspection_date is not None
    assert well.history.count() == before + 1
    assert "seen cracks" in well.history.latest().history_change_reason


def test_inspection_with_a_forbidden_status_change_is_refused(team):
    well = GroundwaterBank.objects.filter(subdistrict__province__code="TH30", status=Status.OPERATIONAL).first()
    LaoMembership.objects.get_or_create(user=team["officer"], lao=well.lao)
    lon, lat = well.geom.coords
    inspection = well_payload(kind="inspection", site=str(well.uid), longitude=lon, latitude=lat,
                              attributes={"status": "planned", "depth_m": 9})
    body = team["phone"].post(URL, inspection, format="json").json()
    assert "depth_m" in body["detail"]
    inspection["attributes"] = {"status": "planned"}
    inspection["uuid"] = str(uuid.uuid4())
    body = team["phone"].post(URL, inspection, format="json").json()
    assert "cannot go from 'operational' to 'planned'" in body["detail"]


def test_reviewer_map_data_has_the_submission_and_nearby_sites(team):
    well = GroundwaterBank.objects.filter(subdistrict__province__code="TH30").first()
    LaoMembership.objects.get_or_create(user=team["officer"], lao=well.lao)
    lon, lat = well.geom.coords
    sent = submit(team, well_payload(longitude=lon + 0.001, latitude=lat))
    features = team["korat"].get(f"{URL}/{sent['uuid']}/nearby").json()["features"]
    kinds = {f["properties"]["kind"] for f in features}
    assert kinds == {"submission", "site"}
    assert str(well.uid) in [f["properties"].get("uid") for f in features]


def test_openapi_document_describes_the_field_api():
    schema = APIClient().get("/api/schema/?format=json").json()
    post = schema["paths"]["/api/field/submissions"]["post"]
    assert {"application/json", "multipart/form-data"} <= set(post["requestBody"]["content"])
    assert {"200", "201", "400", "409", "503"} <= set(post["responses"])
    assert "fieldTokenAuth" in {k for scheme in post["security"] for k in scheme}
    token_scheme = schema["components"]["securitySchemes"]["fieldTokenAuth"]
    assert token_scheme["type"] == "apiKey"
    assert (token_scheme["in"], token_scheme["name"]) == ("header", "Authorization")
    assert "/api/field/review-queue" in schema["paths"]
