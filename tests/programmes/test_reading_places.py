"""The fifth programme, local reading places, end to end: declared once in the registry, it is generated,
served (OGC API, tiles, style, map legend), collected in the field, reviewed, analysed and checked."""
import dataclasses
import re
import subprocess

import pytest
from django.core.management import call_command
from django.db import connection
from django.http import QueryDict
from rest_framework.test import APIClient

from gis_service.coverage import engine, reports
from gis_service.coverage.params import parse_params
from gis_service.fieldwork.models import Submission
from gis_service.programmes import registry
from gis_service.programmes.models import GroundwaterBank, ReadingPlace, Source
from layers.checks import check_programme_registry
from tests.conftest import ARTIFACTS
from tests.fieldwork.test_field_support import make_officer, make_reviewer, spot, well_payload
from tests.layers.tiles.tiles_helpers import decode_tile, tile_of
from tests.maps.test_map_public import WatchedPage, chromium

FIELD_URL = "/api/field/submissions"
THAI_TITLE = "ที่อ่านหนังสือท้องถิ่น"
ENGLISH_TITLE = "Local reading places"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def scalar(sql: str):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return cursor.fetchone()[0]


def first_published_place() -> ReadingPlace:
    return ReadingPlace.objects.filter(published=True).select_related("subdistrict__province").order_by("code").first()


# --- the generated national dataset -----------------------------------------------------------

@pytest.mark.national
@pytest.mark.django_db
def test_the_national_dataset_holds_exactly_the_9102_reading_places_the_dla_publishes():
    assert ReadingPlace.objects.filter(source=Source.GENERATED).count() == 9_102
    assert registry.get_programme("reading_places").published_figure == 9_102


@pytest.mark.django_db
def test_every_generated_reading_place_lies_in_the_subdistrict_it_records_and_none_in_bangkok():
    assert scalar(
        "SELECT count(*) FROM programmes_readingplace t JOIN geography_subdistrict s ON s.id = t.subdistrict_id "
        "WHERE NOT ST_Covers(s.geom, t.geom)"
    ) == 0
    assert scalar(
        "SELECT count(*) FROM programmes_readingplace t JOIN geography_province p ON ST_Intersects(p.geom, t.geom) "
        "WHERE p.code = 'TH10'"
    ) == 0
    assert not ReadingPlace.objects.filter(subdistrict__province__code="TH10").exists()


@pytest.mark.django_db
def test_generated_reading_places_have_a_declared_host_and_at_most_seven_opening_days():
    generated = ReadingPlace.objects.filter(source=Source.GENERATED)
    hosts = set(generated.values_list("host", flat=True).distinct())
    assert hosts <= set(ReadingPlace.Host.values) and len(hosts) > 1
    days = set(generated.values_list("open_days_per_week", flat=True).distinct())
    assert days and min(days) >= 0 and max(days) <= 7
    assert not generated.filter(books_held__lt=0).exists()


# --- OGC API - Features ---------------------------------------------------------------------

@pytest.mark.django_db
def test_ogc_collections_list_reading_places_with_their_title(client):
    collections = {c["id"]: c for c in client.get("/ogc/collections").json()["collections"]}
    assert collections["reading_places"]["title"] == ENGLISH_TITLE


@pytest.mark.django_db
def test_the_landing_page_and_the_openapi_documents_name_reading_places(client):
    assert "local reading places" in client.get("/ogc/", HTTP_ACCEPT="application/json").json()["description"]
    assert "reading_places" in client.get("/ogc/api", HTTP_ACCEPT="application/json").json()["paths"][
        "/collections/reading_places/items"]["get"]["operationId"]
    schema = client.get("/api/schema/?format=json").json()
    assert "local reading places" in schema["info"]["description"]
    parameters = schema["paths"]["/api/coverage/units"]["get"]["parameters"]
    coverage_layer = next(p for p in parameters if p["name"] == "layer")
    assert "reading_places" in coverage_layer["schema"]["enum"]


@pytest.mark.slow
@pytest.mark.django_db
def test_ogrinfo_reads_every_published_reading_place_with_host_books_and_opening_days(live_service):
    result = subprocess.run(["ogrinfo", "-ro", "-so", f"OAPIF:{live_service}/ogc/", "reading_places"],
                            check=False, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Geometry: Point" in result.stdout
    count = int(re.search(r"^Feature Count: (\d+)$", result.stdout, re.MULTILINE).group(1))
    assert count == ReadingPlace.objects.filter(published=True).count() > 8_000
    fields = dict(re.findall(r"^(\w+): (\w+)", result.stdout, re.MULTILINE))
    assert fields["host"] == "String"
    assert fields["books_held"] == fields["open_days_per_week"] == "Integer"


# --- vector tiles, TileJSON and the style -----------------------------------------------------

@pytest.mark.django_db
def test_a_street_level_tile_carries_the_reading_place_with_its_host(client):
    place = first_published_place()
    z = 14
    x, y = tile_of(place.geom.x, place.geom.y, z)
    response = client.get(f"/tiles/reading_places/{z}/{x}/{y}.mvt")
    assert response.status_code == 200 and response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    features = decode_tile(response.content, z, x, y)["reading_places"]
    (mine,) = [f for f in features if f["code"] == place.code]
    assert mine["host"] == place.host and mine["name_th"] == place.name_th
    assert mine["_lonlat"] == pytest.approx((place.geom.x, place.geom.y), abs=2e-5)
    assert all(f["host"] in ReadingPlace.Host.values for f in features)
    # Only light properties: books and opening days stay in the OGC API.
    assert "books_held" not in mine and "budget_thb" not in mine


@pytest.mark.django_db
def test_tilejson_describes_the_reading_places_layer_and_its_host_field(client):
    document = client.get("/tiles/reading_places/tilejson.json").json()
    (layer,) = document["vector_layers"]
    assert layer["id"] == "reading_places" and layer["fields"]["host"] == "String"
    assert (document["minzoom"], document["maxzoom"]) == (5, 16)
    west, south, east, north = document["bounds"]
    assert 97 < west < east < 106 and 5 < south < north < 21


@pytest.mark.django_db
def test_the_style_draws_reading_places_in_red_with_their_thai_title(client):
    style = client.get("/tiles/style.json").json()
    drawn = next(layer for layer in style["layers"] if layer["id"] == "reading_places-points")
    assert drawn["source-layer"] == "reading_places" and drawn["paint"]["circle-color"] == "#e31a1c"
    assert drawn["metadata"] == {"title": ENGLISH_TITLE, "legend": True, "symbol": "library"}
    (source,) = style["sources"].values()
    assert "reading_places" in source["tiles"][0].split("/tiles/")[1].split("/")[0].split(",")
    thai = client.get("/tiles/style.json?lang=th").json()
    assert next(layer for layer in thai["layers"] if layer["id"] == "reading_places-points")["metadata"]["title"] \
        == THAI_TITLE


@pytest.mark.browser
@pytest.mark.parametrize("lang, title", [("th", THAI_TITLE), ("en", ENGLISH_TITLE)], ids=["th", "en"])
def test_the_public_map_legend_names_reading_places_on_desktop_and_phone(live_service, lang, title):
    ARTIFACTS.mkdir(exist_ok=True)
    with chromium() as browser:
        for device, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            watched = WatchedPage(browser, live_service, viewport=viewport)
            watched.open(f"/map/?lang={lang}")
            assert title in watched.page.inner_text(".pm-legend")
            assert any(".mvt?v=" in url and "reading_places" in url and status in (200, 204)
                       for status, url in watched.tiles)
            watched.page.screenshot(path=str(ARTIFACTS / f"map_reading_places_{lang}_{device}.png"))
            watched.assert_clean()
            watched.page.close()


# --- field collection and review ------------------------------------------------------------

@pytest.fixture
def team():
    """A field officer in Nakhon Ratchasima and a reviewer of that province."""
    officer, officer_token = make_officer("reading-officer")
    reviewer, reviewer_token = make_reviewer("reading-reviewer", "TH30")
    return {"officer": officer, "reviewer": reviewer,
            "phone": APIClient(HTTP_AUTHORIZATION=f"Token {officer_token}"),
            "review": APIClient(HTTP_AUTHORIZATION=f"Token {reviewer_token}")}


@pytest.mark.django_db
def test_an_officer_registers_a_reading_place_and_its_approval_creates_the_site(team):
    attributes = {"name_th": "ที่อ่านหนังสือวัดภาคสนาม", "programme_year": 2025, "status": "operational",
                  "host": "temple", "books_held": 1_250, "open_days_per_week": 6}
    payload = well_payload(step=40, programme="reading_places", attributes=attributes)
    sent = team["phone"].post(FIELD_URL, payload, format="json")
    assert sent.status_code == 201, sent.content
    assert sent.json()["programme"] == "reading_places" and sent.json()["duplicate_candidates"] == []

    approved = team["review"].post(f"{FIELD_URL}/{payload['uuid']}/approve", {"reason": "seen the shelves"},
                                   format="json")
    assert approved.status_code == 200, approved.content
    site = ReadingPlace.objects.get(uid=approved.json()["site"])
    assert (site.host, site.books_held, site.open_days_per_week) == ("temple", 1_250, 6)
    assert site.name_th == attributes["name_th"] and site.status == "operational"
    assert site.source == Source.FIELD_GPS and site.published and site.code.startswith("READ-")
    assert site.subdistrict.code == "TH300101" and site.geom.coords == pytest.approx(spot(40))
    assert site.created_by == team["officer"] and site.updated_by == team["reviewer"]


@pytest.mark.django_db
def test_the_deprecated_singular_id_of_an_older_programme_is_stored_as_its_one_id(team):
    payload = well_payload(step=41, programme="groundwater_bank")
    sent = team["phone"].post(FIELD_URL, payload, format="json")
    assert sent.status_code == 201, sent.content
    assert sent.json()["programme"] == "groundwater_banks"
    assert Submission.objects.get(client_uuid=payload["uuid"]).programme == "groundwater_banks"
    approved = team["review"].post(f"{FIELD_URL}/{payload['uuid']}/approve", {}, format="json").json()
    assert GroundwaterBank.objects.filter(uid=approved["site"], source=Source.FIELD_GPS).exists()


@pytest.mark.django_db
def test_the_field_form_describes_reading_places_with_their_host_choices(client):
    programmes = {p["slug"]: p for p in client.get("/api/field/programmes").json()["programmes"]}
    fields = {f["name"]: f for f in programmes["reading_places"]["fields"]}
    assert {c["value"] for c in fields["host"]["choices"]} == set(ReadingPlace.Host.values)
    assert {"books_held", "open_days_per_week"} <= set(fields)


# --- coverage -----------------------------------------------------------------------------------

@pytest.mark.django_db
def test_coverage_of_reading_places_in_songkhla_answers_with_figures(client):
    engine.ensure_metric_units()
    reports.national_base(parse_params(QueryDict("layer=reading_places"), published_only=True))
    response = client.get("/api/coverage/units", {"layer": "reading_places", "area": "TH90"})
    assert response.status_code == 200, response.content
    body = response.json()
    area = body["summary"]["area"]
    assert 0 < area["covered_km2"] < area["area_km2"]
    in_songkhla = ReadingPlace.objects.filter(published=True, status="operational",
                                              subdistrict__province__code="TH90").count()
    assert area["serving_sites"] == sum(unit["serving_sites"] for unit in body["units"]) == in_songkhla > 0


# --- system checks --------------------------------------------------------------------------

def test_manage_py_check_passes_with_reading_places_declared():
    call_command("check", verbosity=0)
    assert check_programme_registry() == []


def test_the_registry_check_reports_a_site_model_without_entry_and_an_entry_naming_a_missing_field(monkeypatch):
    wells = registry.get_programme("groundwater_banks")
    # Reading places left out, and a reading-place field pasted into the wells' entry.
    broken = tuple(
        dataclasses.replace(p, tile_fields=p.tile_fields + ("books_held",)) if p is wells else p
        for p in registry.PROGRAMMES if p.model is not ReadingPlace
    )
    monkeypatch.setattr(registry, "PROGRAMMES", broken)
    monkeypatch.setattr("layers.checks.PROGRAMMES", broken)
    errors = {error.id: error for error in check_programme_registry()}
    assert set(errors) == {"programmes.E001", "programmes.E002"}
    assert errors["programmes.E001"].obj is ReadingPlace and "registry.py" in errors["programmes.E001"].msg
    assert errors["programmes.E002"].obj is GroundwaterBank and "books_held" in errors["programmes.E002"].msg
