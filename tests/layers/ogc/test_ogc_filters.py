"""Part 3 filtering (queryables, plain parameters, CQL2 text and JSON), properties=, sortby, and bad input."""
import json

import pytest
from django.contrib.gis.geos import Polygon

from gis_service.programmes.models import GroundwaterBank

pytestmark = pytest.mark.django_db
ITEMS = "/ogc/collections/groundwater_banks/items"


def body(response) -> dict:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return json.loads(raw)


def matched(client, **params) -> int:
    response = client.get(ITEMS, {"limit": 1, **params})
    assert response.status_code == 200, body(response)
    return body(response)["numberMatched"]


def public():
    return GroundwaterBank.objects.filter(published=True)


def test_queryables_list_typed_properties_including_place_codes(client):
    doc = body(client.get("/ogc/collections/groundwater_banks/queryables"))
    assert doc["properties"]["province"]["type"] == "string"
    assert doc["properties"]["programme_year"]["type"] == "integer"
    assert doc["properties"]["purpose"]["enum"] == ["flood", "drought", "salinity"]
    assert doc["properties"]["geometry"]["format"] == "geometry-point"
    assert "lao_name_th" not in doc["properties"]


def test_plain_query_parameters_filter_by_status_and_province(client):
    assert matched(client, status="operational", province="TH30") == public().filter(
        status="operational", subdistrict__province__code="TH30").count() > 0
    assert matched(client, status="operational,needs_repair") == public().filter(
        status__in=["operational", "needs_repair"]).count()
    district = public().order_by("code").values_list("subdistrict__district__code", flat=True).first()
    assert matched(client, district=district) == public().filter(subdistrict__district__code=district).count() > 0


def test_cql2_text_combines_comparisons_in_between_and_like(client):
    expr = "status = 'operational' AND programme_year BETWEEN 2018 AND 2021 AND purpose IN ('flood','salinity')"
    assert matched(client, filter=expr) == public().filter(
        status="operational", programme_year__range=(2018, 2021), purpose__in=["flood", "salinity"]).count() > 0
    prefix = public().order_by("code").values_list("name_th", flat=True).first()[:6]
    assert matched(client, filter=f"name_th LIKE '{prefix}%'") == public().filter(name_th__startswith=prefix).count()
    assert matched(client, filter="depth_m IS NULL OR NOT (depth_m > 5)") == public().exclude(depth_m__gt=5).count()
    assert (
        matched(client, filter="CASEI(status) = casei('OPERATIONAL')") == public().filter(status="operational").count()
    )
    assert matched(client, filter="status = CASEI('Operational')") == public().filter(status="operational").count()


def test_cql2_spatial_operators_match_postgis(client):
    box = Polygon.from_bbox((100, 13, 103, 16))
    wkt = "POLYGON((100 13,103 13,103 16,100 16,100 13))"
    assert matched(client, filter=f"S_INTERSECTS(geometry, {wkt})") == public().filter(geom__intersects=box).count() > 0
    assert (
        matched(client, filter=f"S_WITHIN(geometry, {wkt}) AND status <> 'planned'")
        == public().filter(geom__within=box).exclude(status="planned").count()
    )
    lat_lon = "POLYGON((13 100,13 103,16 103,16 100,13 100))"
    assert (
        matched(
            client,
            filter=f"S_INTERSECTS(geometry, {lat_lon})",
            **{"filter-crs": "http://www.opengis.net/def/crs/EPSG/0/4326"},
        )
        == public().filter(geom__intersects=box).count()
    )


def test_cql2_json_is_understood(client):
    expr = {
        "op": "and",
        "args": [
            {"op": "=", "args": [{"property": "province"}, "TH30"]},
            {"op": ">=", "args": [{"property": "programme_year"}, 2020]},
            {
                "op": "s_intersects",
                "args": [
                    {"property": "geometry"},
                    {"type": "Polygon", "coordinates": [[[97, 5], [106, 5], [106, 21], [97, 21], [97, 5]]]},
                ],
            },
        ],
    }
    assert (
        matched(client, filter=json.dumps(expr), **{"filter-lang": "cql2-json"})
        == public().filter(subdistrict__province__code="TH30", programme_year__gte=2020).count()
        > 0
    )


def test_sql_injection_in_a_cql2_string_is_only_a_value(client):
    total = GroundwaterBank.objects.count()
    # A quote that tries to close the literal breaks the CQL2 grammar: refused, never run.
    response = client.get(ITEMS, {"filter": "name_th = 'x'; DROP TABLE programmes_groundwaterbank; --'"})
    assert response.status_code == 400 and response.json()["code"] == "InvalidFilter"
    # Inside a well-formed literal the same text is only a value that matches nothing.
    assert matched(client, filter="name_en = '1 OR 1=1; DROP TABLE programmes_groundwaterbank; --'") == 0
    assert matched(client, name_en="x' OR '1'='1") == 0
    assert GroundwaterBank.objects.count() == total


def test_properties_and_sortby_shape_and_order_the_page(client):
    page = body(
        client.get(ITEMS, {"properties": "name_en,programme_year", "sortby": "-programme_year,+name_en", "limit": 50})
    )
    assert all(set(f["properties"]) == {"name_en", "programme_year"} for f in page["features"])
    keys = [(-f["properties"]["programme_year"], f["properties"]["name_en"]) for f in page["features"]]
    assert keys == sorted(keys)
    assert page["features"][0]["properties"]["programme_year"] == max(public().values_list("programme_year", flat=True))


@pytest.mark.parametrize(
    "params, status, words",
    [
        ({"bbox": "100,13,101"}, 400, "4 numbers"),
        ({"bbox": "100,91,101,92"}, 400, "latitude 91"),
        ({"bbox": "101,13,100,14"}, 400, "minimum exceeds"),
        ({"bbox": "a,b,c,d"}, 400, "numbers"),
        ({"limit": "-1"}, 400, "between 1 and 10000"),
        ({"limit": "abc"}, 400, "whole number"),
        ({"limit": "10000000"}, 400, "between 1 and 10000"),
        ({"offset": "-5"}, 400, "offset"),
        ({"colour": "blue"}, 400, "Unknown parameter"),
        ({"properties": "name_en,secret"}, 400, "Unknown property 'secret'"),
        ({"sortby": "password"}, 400, "unknown property 'password'"),
        ({"datetime": "yesterday"}, 400, "RFC 3339"),
        ({"datetime": "2023-13-45T00:00:00Z"}, 400, "RFC 3339"),
        ({"datetime": "2023-01-01/2020-01-01"}, 400, "ends before"),
        ({"filter": "status = "}, 400, "could not be parsed"),
        ({"filter": "status = 'operational' AND"}, 400, "could not be parsed"),
        ({"filter": "secret_column = 1"}, 400, "unknown property 'secret_column'"),
        ({"filter": "programme_year = 'abc'"}, 400, "not a valid integer"),
        ({"filter": "status = 'flying'"}, 400, "use one of"),
        ({"filter": "{not json", "filter-lang": "cql2-json"}, 400, "could not be parsed"),
        ({"filter": "status = 'operational'", "filter-lang": "sql"}, 400, "filter-lang"),
        ({"crs": "EPSG:9999"}, 400, "Unsupported crs"),
        ({"bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/2000", "bbox": "1,2,3,4"}, 400, "Unsupported bbox-crs"),
        ({"programme_year": "twenty"}, 400, "not a valid integer"),
        ({"status": "flying"}, 400, "use one of"),
        ({"f": "xml"}, 400, "Unsupported format"),
    ],
)
def test_bad_input_gets_an_ogc_exception_that_says_what_was_wrong(client, params, status, words):
    count_before = GroundwaterBank.objects.count()
    response = client.get(ITEMS, params)
    assert response.status_code == status
    error = response.json()
    assert set(error) == {"code", "description"}
    assert words.lower() in error["description"].lower(), error
    assert GroundwaterBank.objects.count() == count_before


@pytest.mark.parametrize(
    "url",
    [
        "/ogc/collections/wells",
        "/ogc/collections/wells/items",
        "/ogc/collections/groundwater_banks/items/GWB-NOPE",
        "/ogc/collections/wells/queryables",
    ],
)
def test_unknown_collection_or_feature_is_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.json()["code"] == "NotFound"
