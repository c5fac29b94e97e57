"""Real clients against a real server: GDAL's OAPIF driver, OWSLib, and OpenAPI validation of responses."""
import csv
import io
import json
import sqlite3
import subprocess

import pytest
import requests
from django.contrib.gis.geos import Polygon
from openapi_core import Config, OpenAPI
from openapi_core.contrib.requests import RequestsOpenAPIRequest, RequestsOpenAPIResponse
from owslib.ogcapi.features import Features

from gis_service.programmes.models import GroundwaterBank, Playground

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
BBOX = (100.0, 13.5, 101.0, 14.5)


def gpkg_count(path, layer: str) -> int:
    with sqlite3.connect(path) as db:
        return db.execute(f'SELECT count(*) FROM "{layer}"').fetchone()[0]


def test_ogrinfo_lists_every_collection(live_service):
    result = subprocess.run(["ogrinfo", "-ro", "-so", f"OAPIF:{live_service}/ogc/"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    for expected in ("groundwater_banks (title: Groundwater banks) (Point)", "local_roads", "playgrounds",
                     "ewaste_points", "provinces", "districts", "subdistricts (title: Subdistricts) (Multi Polygon)"):
        assert expected in result.stdout


def test_ogr2ogr_copies_every_published_well_and_a_bbox_of_them(live_service, tmp_path):
    target = tmp_path / "wells.gpkg"
    result = subprocess.run(["ogr2ogr", "-f", "GPKG", str(target), f"OAPIF:{live_service}/ogc/", "groundwater_banks",
                             "-oo", "PAGE_SIZE=2000"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert gpkg_count(target, "groundwater_banks") == GroundwaterBank.objects.filter(published=True).count()
    boxed = tmp_path / "boxed.gpkg"
    result = subprocess.run(["ogr2ogr", "-f", "GPKG", str(boxed), f"OAPIF:{live_service}/ogc/", "groundwater_banks",
                             "-oo", "PAGE_SIZE=500", "-spat", *map(str, BBOX)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    expected = GroundwaterBank.objects.filter(published=True, geom__intersects=Polygon.from_bbox(BBOX)).count()
    assert gpkg_count(boxed, "groundwater_banks") == expected > 0


def test_ogr2ogr_copies_playgrounds_with_thai_names(live_service, tmp_path):
    target = tmp_path / "play.gpkg"
    result = subprocess.run(["ogr2ogr", "-f", "GPKG", str(target), f"OAPIF:{live_service}/ogc/", "playgrounds",
                             "-oo", "PAGE_SIZE=1000"], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert gpkg_count(target, "playgrounds") == Playground.objects.filter(published=True).count()
    first = Playground.objects.filter(published=True).order_by("code").first()
    with sqlite3.connect(target) as db:
        assert db.execute('SELECT name_th FROM playgrounds WHERE id = ?', [first.code]).fetchone()[0] == first.name_th


def test_owslib_reads_collections_and_items_with_bbox_limit_and_a_queryable(live_service):
    api = Features(f"{live_service}/ogc/")
    ids = [c["id"] for c in api.collections()["collections"]]
    assert "groundwater_banks" in ids and "subdistricts" in ids
    assert "province" in api.collection_queryables("groundwater_banks")["properties"]
    page = api.collection_items("groundwater_banks", bbox=list(BBOX), limit=25, status="operational")
    expected = GroundwaterBank.objects.filter(published=True, status="operational",
                                              geom__intersects=Polygon.from_bbox(BBOX))
    assert page["numberMatched"] == expected.count() > 25
    assert page["numberReturned"] == len(page["features"]) == 25
    assert {f["properties"]["status"] for f in page["features"]} == {"operational"}
    assert [f["id"] for f in page["features"]] == list(expected.order_by("code").values_list("code", flat=True)[:25])


def test_exports_over_http_csv_with_bom_and_geopackage_counts(live_service, tmp_path):
    response = requests.get(f"{live_service}/ogc/collections/groundwater_banks/items",
                            params={"f": "csv", "province": "TH30"}, timeout=60)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/csv")
    assert response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    expected = GroundwaterBank.objects.filter(published=True, subdistrict__province__code="TH30")
    assert len(rows) == expected.count() > 0
    well = expected.order_by("code").first()
    row = next(r for r in rows if r["id"] == well.code)
    assert row["name_th"] == well.name_th
    assert (float(row["lon"]), float(row["lat"])) == pytest.approx(well.geom.coords, abs=1e-6)
    gpkg = requests.get(f"{live_service}/ogc/collections/groundwater_banks/items",
                        params={"f": "gpkg", "bbox": ",".join(map(str, BBOX))}, timeout=120)
    assert gpkg.status_code == 200 and gpkg.headers["Content-Type"] == "application/geopackage+sqlite3"
    (tmp_path / "export.gpkg").write_bytes(gpkg.content)
    assert gpkg_count(tmp_path / "export.gpkg", "groundwater_banks") == GroundwaterBank.objects.filter(
        published=True, geom__intersects=Polygon.from_bbox(BBOX)).count()


def test_responses_validate_against_our_openapi_document(live_service):
    spec = requests.get(f"{live_service}/ogc/api", timeout=30).json()
    spec["servers"] = [{"url": f"{live_service}/ogc"}]
    # JSON media types with a suffix are JSON too; openapi-core must be told so.
    json_types = {
        t: (lambda value, **params: json.loads(value)) for t in ("application/geo+json", "application/schema+json")
    }
    openapi = OpenAPI.from_dict(spec, config=Config(extra_media_type_deserializers=json_types))
    # from_dict has validated the document itself against the OpenAPI 3.0 schema.
    well = GroundwaterBank.objects.filter(published=True).order_by("code").first()
    checked = 0
    for path, params in [
        ("/", {}),
        ("/conformance", {}),
        ("/collections", {}),
        ("/collections/groundwater_banks", {}),
        ("/collections/groundwater_banks/queryables", {}),
        ("/collections/groundwater_banks/items", {"limit": 50, "province": "TH30"}),
        ("/collections/groundwater_banks/items", {"bbox": "100,13.5,101,14.5", "sortby": "-programme_year"}),
        ("/collections/local_roads/items", {"limit": 5, "crs": "http://www.opengis.net/def/crs/EPSG/0/32647"}),
        ("/collections/playgrounds/items", {"limit": 5, "properties": "name_th,has_water_pool"}),
        ("/collections/ewaste_points/items", {"filter": "host_type = 'school'", "limit": 5}),
        ("/collections/provinces/items", {"limit": 2}),
        (f"/collections/groundwater_banks/items/{well.code}", {}),
        ("/collections/groundwater_banks/items", {"limit": 0}),
        ("/collections/groundwater_banks/items", {"bbox": "1,2,3"}),
        ("/collections/groundwater_banks/items/NO-SUCH-WELL", {}),
    ]:
        response = requests.get(f"{live_service}/ogc{path}", params=params, timeout=60)
        assert response.status_code in (200, 400, 404), (path, response.status_code)
        openapi.validate_response(RequestsOpenAPIRequest(response.request), RequestsOpenAPIResponse(response))
        checked += 1
    assert checked == 15


def test_no_request_in_a_sweep_of_bad_inputs_gets_a_500(live_service):
    items = f"{live_service}/ogc/collections/groundwater_banks/items"
    for params in (
        {"bbox": "nan,1,2,3"},
        {"bbox": ",,,"},
        {"limit": "1e9"},
        {"offset": "abc"},
        {"datetime": "2020-01-01/"},
        {"datetime": "/"},
        {"filter": "S_INTERSECTS(geometry, POINT(1))"},
        {"filter": "BBOX(geometry, 1, 2)"},
        {"filter": '{"op": "=", "args": []}', "filter-lang": "cql2-json"},
        {"filter": "updated_at > TIMESTAMP('2020-01-01T00:00:00Z')"},
        {"sortby": "-"},
        {"properties": ""},
        {"crs": ""},
        {"filter": "name_th LIKE 5"},
        {"filter": "1 = 1"},
    ):
        response = requests.get(items, params=params, timeout=60)
        assert response.status_code < 500, (params, response.status_code, response.text[:300])
        if response.status_code >= 400:
            assert set(response.json()) == {"code", "description"}
