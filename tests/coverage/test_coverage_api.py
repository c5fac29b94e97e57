"""The coverage API: clear 400s and no job for bad input, the result cache, jobs polled over real HTTP."""
import io
import json
import time

import numpy as np
import pytest
import rasterio
import rasterio.mask
import requests
from django.http import QueryDict
from rasterio.transform import from_origin

from gis_service.coverage import engine, reports
from gis_service.coverage.models import CoverageJob, CoverageResult
from gis_service.coverage.params import parse_params

BOWTIE = {"type": "Polygon", "coordinates": [[[100.4, 7.0], [100.6, 7.2], [100.6, 7.0], [100.4, 7.2], [100.4, 7.0]]]}
AT_SEA = {"type": "Polygon", "coordinates": [[[90.0, 10.0], [91.0, 10.0], [91.0, 11.0], [90.0, 11.0], [90.0, 10.0]]]}
HAT_YAI_BOX = {
    "type": "Polygon",
    "coordinates": [[[100.40, 6.95], [100.50, 6.95], [100.50, 7.05], [100.40, 7.05], [100.40, 6.95]]],
}


@pytest.fixture(scope="module", autouse=True)
def metric_units(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        engine.ensure_metric_units()


def geotiff_bytes(crs: str | None) -> bytes:
    """A small people-per-cell GeoTIFF over Songkhla (with or without a CRS)."""
    buffer = io.BytesIO()
    profile = {
        "driver": "GTiff",
        "height": 4,
        "width": 4,
        "count": 1,
        "dtype": "float32",
        "transform": from_origin(650_000, 790_000, 1000, 1000),
    }
    if crs:
        profile["crs"] = crs
    with rasterio.MemoryFile() as memfile:
        with memfile.open(**profile) as dataset:
            dataset.write(np.ones((1, 4, 4), dtype="float32"))
        buffer.write(memfile.read())
    return buffer.getvalue()


BAD_QUERIES = [
    ("radius_m=0", "radius_m"),
    ("radius_m=-50", "radius_m"),
    ("radius_m=1e9", "radius_m"),
    ("radius_m=nan", "radius_m"),
    ("radius_m=far", "radius_m"),
    ("layer=lighthouses", "layer"),
    ("area=TH99", "area"),
    ("area=TH9011999", "area"),
    ("level=village", "level"),
    ("statuses=working", "statuses"),
    ("population=census_2030", "population"),
    ("area_polygon=" + json.dumps(BOWTIE), "area_polygon"),
    ("area_polygon=" + json.dumps(AT_SEA), "area_polygon"),
    ("area_polygon=not-json", "area_polygon"),
    ("count=0", "count"),
]


@pytest.mark.django_db
@pytest.mark.parametrize("query,field", BAD_QUERIES)
@pytest.mark.parametrize("kind", ["units", "gaps", "proposals"])
def test_bad_input_gets_a_clear_400_and_no_job(client, query, field, kind):
    jobs_before = CoverageJob.objects.count()
    response = client.get(f"/api/coverage/{kind}?async=1&{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["field"] == field and len(body["error"]) > 20
    assert CoverageJob.objects.count() == jobs_before


@pytest.mark.django_db
def test_a_good_request_with_async_creates_one_job_the_control_for_the_400_tests(client):
    jobs_before = CoverageJob.objects.count()
    response = client.get("/api/coverage/units?async=1&area=TH90&radius_m=640")
    assert response.status_code == 202
    assert CoverageJob.objects.count() == jobs_before + 1
    assert response["Location"].endswith(f"/api/coverage/jobs/{response.json()['job']}")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "payload,message",
    [
        (b"this is a CSV, not a raster\n1,2,3\n", "not a raster"),
        (geotiff_bytes(None), "no coordinate reference system"),
    ],
)
def test_a_population_upload_that_is_not_a_georeferenced_geotiff_gets_a_400_and_no_job(client, payload, message):
    jobs_before = CoverageJob.objects.count()
    upload = io.BytesIO(payload)
    upload.name = "people.tif"
    response = client.post("/api/coverage/units?async=1&area=TH90", {"population_file": upload})
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert CoverageJob.objects.count() == jobs_before


@pytest.mark.django_db
def test_a_png_is_refused_as_not_a_geotiff(client):
    buffer = io.BytesIO()
    with rasterio.MemoryFile() as memfile:
        with memfile.open(driver="PNG", height=4, width=4, count=1, dtype="uint8") as dataset:
            dataset.write(np.ones((1, 4, 4), dtype="uint8"))
        buffer.write(memfile.read())
    buffer.seek(0)
    buffer.name = "people.png"
    response = client.post("/api/coverage/rasters", {"population_file": buffer})
    assert response.status_code == 400
    assert "not a GeoTIFF" in response.json()["error"]


@pytest.mark.django_db
def test_an_uploaded_geotiff_in_utm_counts_its_people(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    upload = io.BytesIO(geotiff_bytes("EPSG:32647"))
    upload.name = "people.tif"
    reference = client.post("/api/coverage/rasters", {"population_file": upload}).json()["population"]
    assert reference.startswith("upload:")
    reports.national_base(parse_params(QueryDict(""), published_only=True))
    response = client.get(f"/api/coverage/units?area=TH90&population={reference}")
    assert response.status_code == 200
    summary = response.json()["summary"]["area"]
    assert summary["population"] == pytest.approx(16.0)  # 16 cells of one person, all on Songkhla's land


@pytest.mark.national
@pytest.mark.django_db
def test_results_come_from_the_cache_the_second_time(client):
    reports.national_base(parse_params(QueryDict("radius_m=500"), published_only=True))
    first = client.get("/api/coverage/units?area=TH90&radius_m=500")
    second = client.get("/api/coverage/units?area=TH90&radius_m=500")
    assert (first.status_code, second.status_code) == (200, 200)
    assert (first["X-Coverage-Cache"], second["X-Coverage-Cache"]) == ("miss", "hit")
    assert first["ETag"] == second["ETag"] and first.content == second.content
    body = first.json()
    assert body["units"][0]["covered_share"] <= body["units"][-1]["covered_share"]
    assert body["summary"]["nation"]["units"] == 77


@pytest.mark.national
@pytest.mark.django_db
def test_a_polygon_area_is_measured_inside_the_polygon_only(client):
    reports.national_base(parse_params(QueryDict(""), published_only=True))
    response = client.get("/api/coverage/units", {"area_polygon": json.dumps(HAT_YAI_BOX)})
    assert response.status_code == 200
    summary = response.json()["summary"]["area"]
    # The box is about 11.0 x 11.1 km, all on land around Hat Yai.
    assert 115 < summary["area_km2"] < 130
    assert 0 < summary["covered_km2"] < summary["area_km2"]


@pytest.mark.django_db
def test_gaps_are_geojson_polygons_that_add_up_with_the_covered_area(client):
    gaps = client.get("/api/coverage/gaps?area=TH9011&radius_m=1000")
    assert gaps.status_code == 200 and gaps["Content-Type"] == "application/geo+json"
    features = gaps.json()["features"]
    assert features and all(f["geometry"]["type"] in ("Polygon", "MultiPolygon") for f in features)
    reports.national_base(parse_params(QueryDict(""), published_only=True))
    units = {u["code"]: u for u in client.get("/api/coverage/units?area=TH9011").json()["units"]}
    for feature in features:
        unit = units[feature["properties"]["code"]]
        assert feature["properties"]["uncovered_km2"] == pytest.approx(unit["uncovered_km2"], abs=0.01)


@pytest.mark.django_db
def test_distance_raster_downloads_as_a_geotiff(client):
    response = client.get("/api/coverage/distance?area=TH9011&download=1")
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    with rasterio.MemoryFile(response.content) as memfile, memfile.open() as dataset:
        assert dataset.driver == "GTiff" and dataset.crs.to_epsg() == 32647


def test_the_coverage_api_is_in_the_openapi_document(client, db):
    schema = client.get("/api/schema/?format=json").json()
    for route in ("units", "gaps", "proposals", "repairs", "distance", "jobs/{job_id}"):
        assert f"/api/coverage/{route}" in schema["paths"]


@pytest.mark.slow
def test_a_long_computation_runs_as_a_job_whose_progress_is_polled_over_http(live_service, django_db_blocker):
    # An unusual radius, so no other test's cached result answers it.
    url = f"{live_service}/api/coverage/units?level=province&radius_m=777"
    started = requests.get(url, timeout=30)
    try:
        assert started.status_code == 202, started.text
        status_url = started.json()["status_url"]
        deadline = time.monotonic() + 120
        seen_states = set()
        while time.monotonic() < deadline:
            status = requests.get(status_url, timeout=10).json()
            seen_states.add(status["state"])
            if status["state"] in ("done", "failed"):
                break
            time.sleep(0.5)
        assert status["state"] == "done", status
        result = requests.get(status["result_url"], timeout=30)
        assert result.status_code == 200
        assert len(result.json()["units"]) == 77
        again = requests.get(url, timeout=30)
        assert again.status_code == 200 and again.headers["X-Coverage-Cache"] == "hit"
        missing = requests.get(f"{live_service}/api/coverage/jobs/00000000-0000-0000-0000-000000000000", timeout=10)
        assert missing.status_code == 404
    finally:
        with django_db_blocker.unblock():
            CoverageJob.objects.filter(params__radius_m=777.0).delete()
            CoverageResult.objects.filter(params__radius_m=777.0).delete()


@pytest.mark.django_db
def test_a_polygon_can_be_posted_as_json_and_an_invalid_one_is_refused(client):
    reports.national_base(parse_params(QueryDict(""), published_only=True))
    good = client.post(
        "/api/coverage/units", {"area_polygon": HAT_YAI_BOX, "radius_m": 1000}, content_type="application/json"
    )
    assert good.status_code == 200 and good.json()["inputs"]["area_polygon"]
    jobs_before = CoverageJob.objects.count()
    bad = client.post("/api/coverage/units?async=1", {"area_polygon": BOWTIE}, content_type="application/json")
    assert bad.status_code == 400 and "invalid" in bad.json()["error"]
    assert CoverageJob.objects.count() == jobs_before


@pytest.mark.django_db
def test_a_raster_in_lon_lat_counts_people_like_rasterio_and_feeds_proposals(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    profile = {
        "driver": "GTiff",
        "height": 40,
        "width": 40,
        "count": 1,
        "dtype": "float32",
        "crs": "EPSG:4326",
        "transform": from_origin(100.30, 7.10, 0.005, 0.005),
        "nodata": -1,
    }
    with rasterio.MemoryFile() as memfile:
        with memfile.open(**profile) as dataset:
            dataset.write(np.full((1, 40, 40), 2.0, dtype="float32"))
        buffer.write(memfile.read())
    buffer.seek(0)
    buffer.name = "people_lonlat.tif"
    reference = client.post("/api/coverage/rasters", {"population_file": buffer}).json()["population"]
    reports.national_base(parse_params(QueryDict(""), published_only=True))
    units = client.get(f"/api/coverage/units?area=TH90&level=province&population={reference}").json()
    from gis_service.geography.models import Province

    with rasterio.open(tmp_path / "coverage" / "rasters" / f"{reference.split(':')[1]}.tif") as dataset:
        songkhla = json.loads(Province.objects.get(code="TH90").geom.json)
        values, _ = rasterio.mask.mask(dataset, [songkhla], filled=False)
    assert units["units"][0]["population"] == pytest.approx(float(values.sum()), rel=1e-6)
    proposals = client.get(f"/api/coverage/proposals?area=TH90&count=2&population={reference}").json()
    assert proposals["gain_unit"] == "people" and proposals["features"][0]["properties"]["marginal_gain_people"] > 0


@pytest.mark.django_db
def test_a_write_to_the_layer_moves_the_result_and_drops_the_stale_one(client):
    from gis_service.geography.models import LAO, Subdistrict
    from gis_service.programmes.models import GroundwaterBank
    from gis_service.programmes.validation import set_geometry

    everyone = parse_params(QueryDict(""), published_only=True)
    reports.national_base(everyone)
    first = client.get("/api/coverage/units?area=TH9011")
    assert first.status_code == 200
    place = Subdistrict.objects.get(code="TH901101")
    well = GroundwaterBank(
        name_th="บ่อทดสอบแคช",
        status="operational",
        programme_year=2024,
        published=True,
        lao=LAO.objects.filter(subdistricts=place).exclude(kind=LAO.Kind.PROVINCIAL).first(),
    )
    set_geometry(well, place.geom.point_on_surface)
    well.save()
    stale = client.get("/api/coverage/units?area=TH9011&async=1")
    assert stale.status_code == 202, "the old result must not be served after a write"
    reports.national_base(everyone)
    second = client.get("/api/coverage/units?area=TH9011")
    assert second.status_code == 200 and second["X-Coverage-Cache"] == "miss"
    assert second["ETag"] != first["ETag"]
    assert not CoverageResult.objects.filter(key=first["ETag"].strip('"')).exists()
    sites = {u["code"]: u["serving_sites"] for u in second.json()["units"]}
    assert sites["TH901101"] == {u["code"]: u["serving_sites"] for u in first.json()["units"]}["TH901101"] + 1
