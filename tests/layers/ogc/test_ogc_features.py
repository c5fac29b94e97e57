"""OGC API – Features Part 1 (core) and Part 2 (CRS) through Django's test client on the national dataset."""
import json

import pytest
from django.contrib.auth.models import Group, User

from gis_service.geography.models import Province
from gis_service.programmes.models import GroundwaterBank, LocalRoad
from layers.registry import list_layers

pytestmark = pytest.mark.django_db
ITEMS = "/ogc/collections/groundwater_banks/items"


def body(response) -> dict:
    """The JSON of a (possibly streamed) response."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return json.loads(raw)


def test_landing_conformance_and_collections_link_to_each_other(client):
    landing = body(client.get("/ogc/"))
    rels = {link["rel"] for link in landing["links"]}
    assert {"self", "service-desc", "conformance", "data"} <= rels
    conformance = body(client.get("/ogc/conformance"))["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30" in conformance
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in conformance
    collections = body(client.get("/ogc/collections"))["collections"]
    assert [c["id"] for c in collections] == [layer.id for layer in list_layers()]
    assert [c["id"] for c in collections][:4] == ["groundwater_banks", "local_roads", "playgrounds", "ewaste_points"]
    wells = collections[0]
    assert wells["title_th"] == "ธนาคารน้ำใต้ดิน"
    assert "http://www.opengis.net/def/crs/EPSG/0/32647" in wells["crs"]
    assert wells["storageCrs"] == "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    minx, miny, maxx, maxy = wells["extent"]["spatial"]["bbox"][0]
    assert 97 < minx < maxx < 106 and 5 < miny < maxy < 21


def test_items_default_page_counts_only_published_wells_for_the_public(client):
    response = client.get(ITEMS)
    assert response["Content-Type"] == "application/geo+json"
    assert response["Content-Crs"] == "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"
    page = body(response)
    published = GroundwaterBank.objects.filter(published=True).count()
    assert published < GroundwaterBank.objects.count()
    assert page["numberMatched"] == published
    assert page["numberReturned"] == len(page["features"]) == 100
    assert page["timeStamp"].endswith("Z")
    codes = [f["id"] for f in page["features"]]
    assert codes == sorted(codes)
    assert not GroundwaterBank.objects.filter(code__in=codes, published=False).exists()
    feature = page["features"][0]
    well = GroundwaterBank.objects.select_related("subdistrict__province", "lao").get(code=feature["id"])
    assert feature["geometry"]["type"] == "Point"
    assert feature["geometry"]["coordinates"] == pytest.approx(list(well.geom.coords), abs=1e-6)
    assert feature["properties"]["province"] == well.subdistrict.province.code
    assert feature["properties"]["lao"] == well.lao.code
    assert "published" not in feature["properties"] and "created_by" not in feature["properties"]


def test_unpublished_sites_are_invisible_to_the_public_but_not_to_planners(client):
    hidden = GroundwaterBank.objects.filter(published=False).order_by("code").first()
    assert client.get(f"{ITEMS}/{hidden.code}").status_code == 404
    assert body(client.get(ITEMS, {"filter": f"name_th = '{hidden.name_th}'", "limit": 10000}))["numberMatched"] == \
        GroundwaterBank.objects.filter(published=True, name_th=hidden.name_th).count()
    csv_text = b"".join(client.get(ITEMS, {"f": "csv"}).streaming_content).decode("utf-8-sig")
    assert hidden.code not in csv_text
    planner = User.objects.create_user("ogc-planner", password="pw-planner-12345")
    planner.groups.add(Group.objects.get(name="planner"))
    client.force_login(planner)
    assert client.get(f"{ITEMS}/{hidden.code}").status_code == 200
    assert body(client.get(ITEMS, {"limit": 1}))["numberMatched"] == GroundwaterBank.objects.count()


def test_paging_follows_next_and_prev_links_without_gaps(client):
    first = body(client.get(ITEMS, {"limit": 7, "province": "TH30"}))
    next_link = next(link["href"] for link in first["links"] if link["rel"] == "next")
    assert "offset=7" in next_link and "province=TH30" in next_link
    second = body(client.get(next_link.replace("http://testserver", "")))
    prev_link = next(link["href"] for link in second["links"] if link["rel"] == "prev")
    assert "offset=0" in prev_link
    codes = [f["id"] for f in first["features"] + second["features"]]
    expected = list(GroundwaterBank.objects.filter(published=True, subdistrict__province__code="TH30")
                    .order_by("code").values_list("code", flat=True)[:14])
    assert codes == expected
    last = body(client.get(ITEMS, {"limit": 5, "offset": first["numberMatched"] - 2, "province": "TH30"}))
    assert last["numberReturned"] == 2 and not any(link["rel"] == "next" for link in last["links"])


@pytest.mark.national
def test_bbox_returns_exactly_the_wells_inside_it(client):
    bbox = (100.0, 13.5, 101.0, 14.5)
    page = body(client.get(ITEMS, {"bbox": ",".join(map(str, bbox)), "limit": 10000}))
    from django.contrib.gis.geos import Polygon

    expected = GroundwaterBank.objects.filter(published=True, geom__intersects=Polygon.from_bbox(bbox)).count()
    assert page["numberMatched"] == page["numberReturned"] == expected > 0
    for feature in page["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]
    six = body(client.get(ITEMS, {"bbox": "100,13.5,0,101,14.5,100", "limit": 1}))
    assert six["numberMatched"] == expected


def test_datetime_matches_the_programme_year(client):
    page = body(client.get(ITEMS, {"datetime": "2019-01-01T00:00:00Z/2020-12-31T23:59:59Z", "limit": 1}))
    assert page["numberMatched"] == GroundwaterBank.objects.filter(
        published=True, programme_year__in=[2019, 2020]).count() > 0
    instant = body(client.get(ITEMS, {"datetime": "2021-06-01T00:00:00Z", "limit": 1}))
    assert instant["numberMatched"] == GroundwaterBank.objects.filter(published=True, programme_year=2021).count()
    open_end = body(client.get(ITEMS, {"datetime": "../2018-12-31", "limit": 1}))
    assert open_end["numberMatched"] == GroundwaterBank.objects.filter(published=True, programme_year__lte=2018).count()


def test_item_has_etag_links_and_html(client):
    well = GroundwaterBank.objects.filter(published=True).order_by("code").first()
    response = client.get(f"{ITEMS}/{well.code}")
    assert response.status_code == 200 and response["ETag"].startswith('"')
    feature = body(response)
    assert feature["id"] == well.code and feature["properties"]["name_th"] == well.name_th
    assert {link["rel"] for link in feature["links"]} >= {"self", "collection"}
    page = client.get(f"{ITEMS}/{well.code}", HTTP_ACCEPT="text/html,application/xhtml+xml")
    assert page["Content-Type"].startswith("text/html") and well.name_th in page.content.decode()


def test_html_pages_render_for_landing_collections_collection_and_items(client):
    for url in ("/ogc/?f=html", "/ogc/collections?f=html", "/ogc/collections/local_roads?f=html",
                f"{ITEMS}?f=html&limit=5", "/ogc/conformance?f=html", "/ogc/api?f=html",
                "/ogc/collections/playgrounds/queryables?f=html"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("text/html")
    assert "ธนาคารน้ำใต้ดิน" in client.get(f"{ITEMS}?f=html&limit=5").content.decode()


@pytest.mark.national
def test_boundaries_are_read_only_reference_collections(client):
    provinces = body(client.get("/ogc/collections/provinces/items", {"limit": 100, "properties": "name_en"}))
    assert provinces["numberMatched"] == Province.objects.count() == 77
    assert set(provinces["features"][0]["properties"]) == {"name_en"}
    assert provinces["features"][0]["geometry"]["type"] == "MultiPolygon"
    korat = body(client.get("/ogc/collections/provinces/items/TH30"))
    assert korat["properties"]["name_en"] == "Nakhon Ratchasima"
    districts = body(client.get("/ogc/collections/districts/items", {"province": "TH30", "limit": 1}))
    assert districts["numberMatched"] == Province.objects.get(code="TH30").districts.count()


@pytest.mark.parametrize("crs, srid", [("http://www.opengis.net/def/crs/EPSG/0/3857", 3857),
                                       ("http://www.opengis.net/def/crs/EPSG/0/32647", 32647),
                                       ("http://www.opengis.net/def/crs/EPSG/0/32648", 32648)])
def test_crs_reprojects_geometries_and_says_so(client, crs, srid):
    well = GroundwaterBank.objects.filter(published=True).order_by("code").first()
    response = client.get(f"{ITEMS}/{well.code}", {"crs": crs})
    assert response["Content-Crs"] == f"<{crs}>"
    x, y = body(response)["geometry"]["coordinates"]
    expected = well.geom.transform(srid, clone=True)
    assert (x, y) == pytest.approx(expected.coords, abs=0.01)


@pytest.mark.national
def test_epsg_4326_uses_latitude_first_axis_order_for_output_and_bbox(client):
    well = GroundwaterBank.objects.filter(published=True).order_by("code").first()
    uri = "http://www.opengis.net/def/crs/EPSG/0/4326"
    lat, lon = body(client.get(f"{ITEMS}/{well.code}", {"crs": uri}))["geometry"]["coordinates"]
    assert (lon, lat) == pytest.approx(well.geom.coords, abs=1e-6)
    lon_lat = body(client.get(ITEMS, {"bbox": "100,13.5,101,14.5", "limit": 1}))["numberMatched"]
    lat_lon = body(client.get(ITEMS, {"bbox": "13.5,100,14.5,101", "bbox-crs": uri, "limit": 1}))["numberMatched"]
    assert lat_lon == lon_lat > 0


@pytest.mark.national
def test_bbox_in_utm_matches_the_same_area_in_degrees(client):
    # A UTM 47N box; the wells in it, as PostGIS sees them, must be what the API returns.
    from django.contrib.gis.geos import Polygon

    box = Polygon.from_bbox((700000, 1500000, 800000, 1600000))
    box.srid = 32647
    expected = GroundwaterBank.objects.filter(published=True, geom__intersects=box).count()
    page = body(client.get(ITEMS, {"bbox": "700000,1500000,800000,1600000",
                                   "bbox-crs": "http://www.opengis.net/def/crs/EPSG/0/32647", "limit": 1}))
    assert page["numberMatched"] == expected > 0


def test_roads_are_multilinestrings_with_their_measured_length(client):
    page = body(client.get("/ogc/collections/local_roads/items", {"limit": 3}))
    road = LocalRoad.objects.get(code=page["features"][0]["id"])
    assert page["features"][0]["geometry"]["type"] == "MultiLineString"
    assert page["features"][0]["properties"]["length_m"] == pytest.approx(road.length_m)
