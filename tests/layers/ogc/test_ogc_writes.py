"""Part 4: create, replace, update and delete items by role, with ETags, validation and history."""
import base64
import json

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.gis.geos import Point
from rest_framework.authtoken.models import Token

from gis_service.accounts.models import LaoMembership
from gis_service.geography.models import LAO, Subdistrict
from gis_service.programmes.models import GroundwaterBank

pytestmark = pytest.mark.django_db
ITEMS = "/ogc/collections/groundwater_banks/items"
KORAT = (102.0977, 14.9799)  # inside TH300101, Mueang Nakhon Ratchasima
PASSWORD = "pw-ogc-writer-12345"


def korat_lao() -> LAO:
    subdistrict = Subdistrict.objects.get(geom__intersects=Point(*KORAT, srid=4326))
    return LAO.objects.exclude(kind__in=["pao", "bangkok"]).get(subdistricts=subdistrict)


def user_with(role: str, name: str, lao: LAO | None = None) -> User:
    user = User.objects.create_user(name, password=PASSWORD)
    user.groups.add(Group.objects.get(name=role))
    if lao:
        LaoMembership.objects.create(user=user, lao=lao)
    return user


def basic(user: User) -> dict:
    token = base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {token}"}


def feature(lao: LAO, at=KORAT, **properties) -> str:
    props = {"name_th": "ธนาคารน้ำใต้ดินทดสอบ OGC", "programme_year": 2024, "status": "planned",
             "lao": lao.code, "purpose": "flood", **properties}
    return json.dumps({"type": "Feature", "geometry": {"type": "Point", "coordinates": list(at)}, "properties": props})


def post(client, payload: str, **headers):
    return client.post(ITEMS, payload, content_type="application/geo+json", **headers)


@pytest.fixture
def officer():
    return user_with("field_officer", "ogc-officer", korat_lao())


def test_field_officer_creates_a_site_in_their_lao_with_history(client, officer):
    response = post(client, feature(korat_lao()), **basic(officer))
    assert response.status_code == 201, response.content
    code = response["Location"].rsplit("/", 1)[1]
    site = GroundwaterBank.objects.get(code=code)
    assert site.subdistrict.code == "TH300101"
    assert site.created_by == officer and site.updated_by == officer
    assert not site.published
    assert site.history.latest().history_user == officer
    read = client.get(f"{ITEMS}/{code}", **basic(officer))
    assert read.status_code == 200 and read["ETag"] == response["ETag"]
    # The public never sees the new, unpublished site.
    client.logout()
    assert client.get(f"{ITEMS}/{code}").status_code == 404


def test_anonymous_write_is_401_and_planner_write_is_403(client):
    count = GroundwaterBank.objects.count()
    anonymous = post(client, feature(korat_lao()))
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "NotAuthenticated"
    planner = user_with("planner", "ogc-planner-w")
    forbidden = post(client, feature(korat_lao()), **basic(planner))
    assert forbidden.status_code == 403 and "administrators and field officers" in forbidden.json()["description"]
    wrong_password = post(client, feature(korat_lao()), HTTP_AUTHORIZATION="Basic " +
                          base64.b64encode(b"ogc-planner-w:nope").decode())
    assert wrong_password.status_code == 401
    assert GroundwaterBank.objects.count() == count


def test_field_officer_cannot_write_outside_their_lao(client):
    other = LAO.objects.exclude(pk=korat_lao().pk).filter(kind="sao").order_by("code").first()
    stranger = user_with("field_officer", "ogc-stranger", other)
    count = GroundwaterBank.objects.count()
    response = post(client, feature(korat_lao()), **basic(stranger))
    assert response.status_code == 403 and "own LAOs" in response.json()["description"]
    site = GroundwaterBank.objects.exclude(lao=other).order_by("code").first()
    patch = client.patch(f"{ITEMS}/{site.code}", json.dumps({"properties": {"name_en": "hijack"}}),
                         content_type="application/geo+json", **basic(stranger))
    assert patch.status_code == 403
    assert GroundwaterBank.objects.count() == count
    assert GroundwaterBank.objects.get(pk=site.pk).name_en != "hijack"


@pytest.mark.parametrize("geometry, words", [
    ({"type": "Point", "coordinates": [200, 95]}, "not a longitude/latitude"),
    ({"type": "LineString", "coordinates": [[102.09, 14.97], [102.1, 14.98]]}, "must be a Point"),
    ({"type": "Point", "coordinates": [105.85, 21.03]}, "no subdistrict of Thailand"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}, "must be a Point"),
    ("not a geometry", "could not be read"),
])
def test_invalid_geometry_is_400_and_writes_nothing(client, officer, geometry, words):
    count = GroundwaterBank.objects.count()
    payload = json.loads(feature(korat_lao()))
    payload["geometry"] = geometry
    response = post(client, json.dumps(payload), **basic(officer))
    assert response.status_code == 400
    assert words in response.json()["description"]
    assert GroundwaterBank.objects.count() == count


def test_invalid_properties_are_400_with_the_field_named(client, officer):
    count = GroundwaterBank.objects.count()
    for props, words in (({"programme_year": 2567}, "Buddhist Era"), ({"status": "flying"}, "status"),
                         ({"secret": 1}, "Unknown property secret"), ({"lao": "LAO-NOPE"}, "Unknown LAO code")):
        payload = json.loads(feature(korat_lao()))
        payload["properties"].update(props)
        response = post(client, json.dumps(payload), **basic(officer))
        assert response.status_code == 400, props
        assert words in response.json()["description"], response.json()
    assert post(client, "{broken", **basic(officer)).status_code == 400
    assert client.post(ITEMS, "x=1", content_type="text/plain", **basic(officer)).status_code == 415
    assert GroundwaterBank.objects.count() == count


def test_patch_with_current_etag_succeeds_and_stale_etag_is_412(client, officer):
    created = post(client, feature(korat_lao()), **basic(officer))
    url, etag = created["Location"].replace("http://testserver", ""), created["ETag"]
    first = client.patch(url, json.dumps({"properties": {"status": "under_construction"}}),
                         content_type="application/merge-patch+json", HTTP_IF_MATCH=etag, **basic(officer))
    assert first.status_code == 204 and first["ETag"] != etag
    stale = client.patch(url, json.dumps({"properties": {"name_en": "Stale write"}}),
                         content_type="application/geo+json", HTTP_IF_MATCH=etag, **basic(officer))
    assert stale.status_code == 412 and "changed since you read it" in stale.json()["description"]
    site = GroundwaterBank.objects.get(code=url.rsplit("/", 1)[1])
    assert site.status == "under_construction" and site.name_en != "Stale write"
    assert site.history.count() == 2
    bad_transition = client.patch(url, json.dumps({"properties": {"status": "planned"}}),
                                  content_type="application/geo+json", HTTP_IF_MATCH=first["ETag"], **basic(officer))
    assert bad_transition.status_code == 400 and "cannot go from" in bad_transition.json()["description"]


def test_put_replaces_with_token_auth_and_moves_the_point(client, officer):
    token = Token.objects.create(user=officer)
    auth = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    created = post(client, feature(korat_lao(), name_en="Before"), **auth)
    assert created.status_code == 201
    url = created["Location"].replace("http://testserver", "")
    moved = (102.1000, 14.9750)
    response = client.put(url, feature(korat_lao(), at=moved, name_en="After", status="planned"),
                          content_type="application/geo+json", HTTP_IF_MATCH=created["ETag"], **auth)
    assert response.status_code == 204, response.content
    site = GroundwaterBank.objects.get(code=url.rsplit("/", 1)[1])
    assert site.name_en == "After" and site.geom.coords == pytest.approx(moved)
    assert site.history.latest().history_user == officer


def test_only_administrators_publish_and_delete(client, officer):
    created = post(client, feature(korat_lao()), **basic(officer))
    url = created["Location"].replace("http://testserver", "")
    publish = client.patch(url, json.dumps({"properties": {"published": True}}), content_type="application/geo+json",
                           **basic(officer))
    assert publish.status_code == 403
    refused = client.delete(url, **basic(officer))
    assert refused.status_code == 403 and "administrators" in refused.json()["description"]
    admin = user_with("administrator", "ogc-admin")
    assert client.patch(url, json.dumps({"properties": {"published": True}}), content_type="application/geo+json",
                        **basic(admin)).status_code == 204
    code = url.rsplit("/", 1)[1]
    assert GroundwaterBank.objects.get(code=code).published
    assert client.delete(url, **basic(admin)).status_code == 204
    assert not GroundwaterBank.objects.filter(code=code).exists()
    assert GroundwaterBank.history.filter(code=code, history_type="-").get().history_user == admin
    assert client.delete(url, **basic(admin)).status_code == 404


def test_boundary_layers_refuse_writes(client):
    admin = user_with("administrator", "ogc-admin-b")
    response = client.post("/ogc/collections/provinces/items", "{}", content_type="application/geo+json",
                           **basic(admin))
    assert response.status_code == 405 and "read-only" in response.json()["description"]
