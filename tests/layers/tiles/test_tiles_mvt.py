"""Vector tiles from the registry: content, clustering at low zoom, published-only, errors, OGC API – Tiles."""
import pytest
from django.db import connection

from gis_service.programmes.models import GroundwaterBank, LocalRoad
from layers.registry import get_layer
from tests.layers.tiles.tiles_helpers import decode_tile, tile_of

# The zoom-5 tile holding most of Thailand's wells (about 4,700 of the 10,801).
NATIONAL_TILE = (5, 24, 14)

pytestmark = pytest.mark.django_db


def get_tile(client, path: str):
    response = client.get(path)
    assert response.status_code in (200, 204), (path, response.status_code, response.content[:300])
    return response


def published_wells_in_tile(z: int, x: int, y: int) -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM programmes_groundwaterbank WHERE published"
            " AND geom && ST_Transform(ST_TileEnvelope(%s, %s, %s), 4326)", [z, x, y])
        return cursor.fetchone()[0]


def test_a_street_level_tile_carries_each_published_well_with_its_map_properties(client):
    well = GroundwaterBank.objects.filter(published=True).order_by("code").first()
    z = 14
    x, y = tile_of(well.geom.x, well.geom.y, z)
    response = get_tile(client, f"/tiles/groundwater_banks/{z}/{x}/{y}.mvt")
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    features = decode_tile(response.content, z, x, y)["groundwater_banks"]
    mine = [f for f in features if f["code"] == well.code]
    assert len(mine) == 1
    feature = mine[0]
    assert feature["mvt_id"] == well.pk
    assert feature["name_th"] == well.name_th and feature["status"] == well.status
    assert feature["programme_year"] == well.programme_year
    assert feature["province"] == well.subdistrict.province.code
    # Position survives the 4096-unit grid to well under a metre at zoom 14 (about 1e-5 degrees).
    assert feature["_lonlat"] == pytest.approx((well.geom.x, well.geom.y), abs=2e-5)
    # Only light properties: no budget, no LAO, no dates.
    assert "budget_thb" not in feature and "lao" not in feature and "updated_at" not in feature


@pytest.mark.national
def test_national_zoom_merges_wells_into_a_small_tile_that_still_counts_every_well(client):
    z, x, y = NATIONAL_TILE
    response = get_tile(client, f"/tiles/groundwater_banks/{z}/{x}/{y}.mvt")
    assert len(response.content) < 500_000
    features = decode_tile(response.content, z, x, y)["groundwater_banks"]
    assert sum(f["count"] for f in features) == published_wells_in_tile(z, x, y) > 4000
    assert len(features) < published_wells_in_tile(z, x, y) / 2
    singles = [f for f in features if f["count"] == 1]
    assert singles and all(f["code"] and f["status"] for f in singles)
    assert all(f.get("code") is None for f in features if f["count"] > 1)


def test_from_zoom_8_wells_are_drawn_one_by_one(client):
    well = GroundwaterBank.objects.filter(published=True).order_by("code").first()
    x, y = tile_of(well.geom.x, well.geom.y, 8)
    features = decode_tile(get_tile(client, f"/tiles/groundwater_banks/8/{x}/{y}.mvt").content, 8, x, y)
    assert all(f.get("count") is None for f in features["groundwater_banks"])
    assert well.code in {f["code"] for f in features["groundwater_banks"]}


def test_unpublished_sites_never_appear_in_public_tiles_but_staff_may_ask_for_them(client, django_user_model):
    hidden = GroundwaterBank.objects.filter(published=False).order_by("code").first()
    z = 13
    x, y = tile_of(hidden.geom.x, hidden.geom.y, z)
    public = decode_tile(get_tile(client, f"/tiles/groundwater_banks/{z}/{x}/{y}.mvt").content, z, x, y)
    assert hidden.code not in {f["code"] for f in public.get("groundwater_banks", [])}

    anonymous = client.get(f"/tiles/groundwater_banks/{z}/{x}/{y}.mvt?include=unpublished")
    assert anonymous.status_code == 401 and "Sign in" in anonymous.json()["description"]
    admin = django_user_model.objects.create_superuser("tiles-admin", "tiles@example.org", "x-Passw0rd-tiles")
    client.force_login(admin)
    staff = client.get(f"/tiles/groundwater_banks/{z}/{x}/{y}.mvt?include=unpublished")
    assert staff.status_code == 200 and staff["Cache-Control"] == "private, no-cache"
    assert hidden.code in {f["code"] for f in decode_tile(staff.content, z, x, y)["groundwater_banks"]}


@pytest.mark.national
def test_roads_are_lines_simplified_at_mid_zoom_and_merged_at_national_zoom(client):
    road = LocalRoad.objects.filter(published=True).order_by("code").first()
    point = road.geom.centroid
    x, y = tile_of(point.x, point.y, 12)
    features = decode_tile(get_tile(client, f"/tiles/local_roads/12/{x}/{y}.mvt").content, 12, x, y)["local_roads"]
    mine = [f for f in features if f["code"] == road.code]
    assert mine and mine[0]["_geom_type"] in ("LineString", "MultiLineString")
    assert mine[0]["length_m"] == pytest.approx(road.length_m)
    z, x, y = NATIONAL_TILE
    national = get_tile(client, f"/tiles/local_roads/{z}/{x}/{y}.mvt")
    assert len(national.content) < 500_000
    assert {f["_geom_type"] for f in decode_tile(national.content, z, x, y)["local_roads"]} == {"Point"}


@pytest.mark.national
def test_several_layers_come_in_one_tile(client):
    z, x, y = 9, 400, 236
    both = get_tile(client, f"/tiles/groundwater_banks,provinces/{z}/{x}/{y}.mvt")
    layers = decode_tile(both.content, z, x, y)
    assert set(layers) == {"groundwater_banks", "provinces"}
    alone = decode_tile(get_tile(client, f"/tiles/groundwater_banks/{z}/{x}/{y}.mvt").content, z, x, y)
    assert {f["code"] for f in layers["groundwater_banks"]} == {f["code"] for f in alone["groundwater_banks"]}
    # The tile covers the eastern seaboard: Chon Buri (TH20) and its neighbours.
    assert "TH20" in {f["code"] for f in layers["provinces"]}


def test_a_set_keeps_only_the_layers_that_have_tiles_at_that_zoom(client):
    # Provinces stop at zoom 10, so at zoom 12 the set holds wells only.
    well = GroundwaterBank.objects.filter(published=True).order_by("code").first()
    x, y = tile_of(well.geom.x, well.geom.y, 12)
    layers = decode_tile(get_tile(client, f"/tiles/provinces,groundwater_banks/12/{x}/{y}.mvt").content, 12, x, y)
    assert set(layers) == {"groundwater_banks"}


def test_a_tile_with_no_feature_is_204_no_content(client):
    response = client.get("/tiles/groundwater_banks/10/0/0.mvt")
    assert response.status_code == 204 and response.content == b""
    assert response["ETag"]


@pytest.mark.parametrize("path, status, words", [
    ("/tiles/groundwater_banks/5/32/14.mvt", 400, "from 0 to 31"),
    ("/tiles/groundwater_banks/5/24/-1.mvt", 400, "outside the grid"),
    ("/tiles/groundwater_banks/five/24/14.mvt", 400, "whole numbers"),
    ("/tiles/groundwater_banks/31/0/0.mvt", 400, "from 0 to 24"),
    ("/tiles/groundwater_banks/3/6/3.mvt", 404, "from zoom 5 to 16"),
    ("/tiles/wells/5/24/14.mvt", 404, "groundwater_banks"),
    ("/tiles/groundwater_banks,groundwater_banks/5/24/14.mvt", 400, "listed twice"),
    ("/tiles/groundwater_banks/5/24/14.png", 404, "/tiles/{layer}/{z}/{x}/{y}.mvt"),
    ("/tiles/groundwater_banks/5/24/14.mvt?v=latest", 400, "TileJSON"),
    ("/tiles/groundwater_banks/5/24/14.mvt?include=everything", 400, "include=unpublished"),
])
def test_bad_tile_requests_get_a_clear_4xx(client, path, status, words):
    response = client.get(path)
    assert response.status_code == status
    assert words in response.json()["description"]


def test_tiles_refuse_writes(client):
    assert client.post("/tiles/groundwater_banks/5/24/14.mvt").status_code == 405


@pytest.mark.national
def test_ogc_api_tiles_serve_the_same_tiles_in_ogc_row_column_order(client):
    z, x, y = 9, 400, 236
    ogc = client.get(f"/ogc/collections/groundwater_banks/tiles/WebMercatorQuad/{z}/{y}/{x}")
    assert ogc.status_code == 200
    assert ogc.content == client.get(f"/tiles/groundwater_banks/{z}/{x}/{y}.mvt").content

    tms = client.get("/ogc/tileMatrixSets/WebMercatorQuad").json()
    assert tms["crs"].endswith("EPSG/0/3857") and len(tms["tileMatrices"]) == 25
    assert tms["tileMatrices"][5]["matrixWidth"] == 32
    assert tms["tileMatrices"][0]["scaleDenominator"] == pytest.approx(559082264.0287, rel=1e-9)
    assert client.get("/ogc/tileMatrixSets").json()["tileMatrixSets"][0]["id"] == "WebMercatorQuad"

    tilesets = client.get("/ogc/collections/groundwater_banks/tiles").json()["tilesets"]
    assert tilesets[0]["dataType"] == "vector"
    tileset = client.get("/ogc/collections/groundwater_banks/tiles/WebMercatorQuad").json()
    item = next(link for link in tileset["links"] if link["rel"] == "item")
    template = "/ogc/collections/groundwater_banks/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}"
    assert item["href"].endswith(template)
    limits = {limit["tileMatrix"]: limit for limit in tileset["tileMatrixSetLimits"]}
    assert limits["5"]["minTileCol"] <= 24 <= limits["5"]["maxTileCol"]
    assert limits["5"]["minTileRow"] <= 14 <= limits["5"]["maxTileRow"]
    assert set(tileset["layers"][0]["propertiesSchema"]["properties"]) >= {"code", "name_th", "status"}


def test_ogc_tiles_errors_are_ogc_exceptions(client):
    assert client.get("/ogc/collections/groundwater_banks/tiles/WorldCRS84Quad").status_code == 404
    response = client.get("/ogc/collections/nowhere/tiles/WebMercatorQuad/5/14/24")
    assert response.status_code == 404 and response.json()["code"] == "NotFound"
    response = client.get("/ogc/collections/groundwater_banks/tiles/WebMercatorQuad/5/40/24")
    assert response.status_code == 400 and "outside the grid" in response.json()["description"]


def test_registry_zoom_ranges_decide_which_tiles_exist(client):
    provinces = get_layer("provinces")
    assert client.get(f"/tiles/provinces/{provinces.maxzoom + 1}/0/0.mvt").status_code == 404
    assert client.get("/tiles/provinces/0/0/0.mvt").status_code == 200
