"""The tile cache follows edits: versioned keys and URLs, ETag/304, and a changed well in the next tile."""
import shutil
import subprocess
import time

import pytest

from gis_service.programmes.models import GroundwaterBank
from layers.tiles.sql import CLUSTER_BELOW_ZOOM
from layers.versions import layer_version
from tests.conftest import free_port, get_with_database_down
from tests.layers.tiles.tiles_helpers import decode_tile, tile_of

pytestmark = pytest.mark.django_db
ZOOMS = range(5, 17)


def fetch(client, path: str, **headers):
    response = client.get(path, **headers)
    assert response.status_code in (200, 204, 304), (path, response.status_code)
    return response


def wells_tile_url(well, z: int) -> tuple[str, int, int]:
    x, y = tile_of(well.geom.x, well.geom.y, z)
    return f"/tiles/groundwater_banks/{z}/{x}/{y}.mvt", x, y


def test_a_repeated_tile_comes_from_the_cache_with_the_same_bytes(client):
    first = fetch(client, "/tiles/groundwater_banks/9/400/236.mvt")
    second = fetch(client, "/tiles/groundwater_banks/9/400/236.mvt")
    assert second["X-Tile-Cache"] == "hit"
    assert second.content == first.content and second["ETag"] == first["ETag"]


@pytest.mark.national
def test_unversioned_tiles_must_be_revalidated_and_answer_304_to_their_etag(client):
    response = fetch(client, "/tiles/groundwater_banks/9/400/236.mvt")
    assert response["Cache-Control"] == "public, no-cache"
    assert response["Access-Control-Allow-Origin"] == "*"
    again = fetch(client, "/tiles/groundwater_banks/9/400/236.mvt", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304 and again.content == b""
    weak_list = f'"other", W/{response["ETag"]}'
    assert fetch(client, "/tiles/groundwater_banks/9/400/236.mvt", HTTP_IF_NONE_MATCH=weak_list).status_code == 304
    assert fetch(client, "/tiles/groundwater_banks/9/400/236.mvt", HTTP_IF_NONE_MATCH='"1-public"').status_code == 200


def test_a_tile_at_the_current_version_is_immutable_and_an_old_version_is_not(client):
    version = layer_version("groundwater_banks")
    current = fetch(client, f"/tiles/groundwater_banks/9/400/236.mvt?v={version}")
    assert current["Cache-Control"] == "public, max-age=31536000, immutable"
    assert current["X-Data-Version"] == str(version)
    old = fetch(client, f"/tiles/groundwater_banks/9/400/236.mvt?v={version - 1}")
    # An old URL still gets today's data, but no cache may keep it.
    assert old["Cache-Control"] == "public, no-cache" and old.content == current.content


def test_a_cached_versioned_tile_is_served_without_touching_the_database(client, django_assert_num_queries):
    well = GroundwaterBank.objects.filter(published=True).order_by("code")[11]
    path, x, y = wells_tile_url(well, 12)
    version = layer_version("groundwater_banks")
    first = fetch(client, f"{path}?v={version}")
    with django_assert_num_queries(0):
        again = fetch(client, f"{path}?v={version}")
    assert again["X-Tile-Cache"] == "hit" and again.content == first.content
    assert again["Cache-Control"] == "public, max-age=31536000, immutable"

    # After an edit the old URL still names the old snapshot; the new version's URL shows the edit.
    well.name_en = "Versioned URL test"
    well.save()
    new_version = layer_version("groundwater_banks")
    assert fetch(client, f"{path}?v={version}").content == first.content
    fresh = fetch(client, f"{path}?v={new_version}")
    assert fresh["X-Data-Version"] == str(new_version)
    names = [f["name_en"] for f in decode_tile(fresh.content, 12, x, y)["groundwater_banks"] if f["code"] == well.code]
    assert names == ["Versioned URL test"]
    assert fetch(client, path).content == fresh.content


def test_tilejson_advertises_versioned_tile_urls_that_are_immutable(client):
    document = fetch(client, "/tiles/groundwater_banks/tilejson.json").json()
    template = document["tiles"][0]
    assert template.endswith(f"/tiles/groundwater_banks/{{z}}/{{x}}/{{y}}.mvt?v={layer_version('groundwater_banks')}")
    path = template.split("testserver", 1)[1].format(z=9, x=400, y=236)
    assert fetch(client, path)["Cache-Control"] == "public, max-age=31536000, immutable"


def test_editing_a_well_changes_the_next_tile_at_every_zoom_that_shows_it(client):
    well = GroundwaterBank.objects.filter(published=True, status="operational").order_by("code")[7]
    version_before = layer_version("groundwater_banks")
    before = {}
    for z in ZOOMS:
        path, x, y = wells_tile_url(well, z)
        fetch(client, path)
        cached = fetch(client, path)
        assert cached["X-Tile-Cache"] == "hit"
        before[z] = decode_tile(cached.content, z, x, y)["groundwater_banks"]

    # The one validation path, as the admin and the API use it: a new name and a repair needed.
    well.name_en = "Renamed well, tile cache test"
    well.status = "needs_repair"
    well.save()
    assert layer_version("groundwater_banks") > version_before

    for z in ZOOMS:
        path, x, y = wells_tile_url(well, z)
        response = fetch(client, path)
        assert response["X-Tile-Cache"] == "miss", z
        features = decode_tile(response.content, z, x, y)["groundwater_banks"]
        if z >= CLUSTER_BELOW_ZOOM:
            mine = [f for f in features if f["code"] == well.code]
            assert len(mine) == 1, z
            assert mine[0]["name_en"] == "Renamed well, tile cache test" and mine[0]["status"] == "needs_repair"
        assert features != before[z] or z < CLUSTER_BELOW_ZOOM


def test_unpublishing_a_well_removes_it_from_the_next_tile_at_every_zoom(client):
    well = GroundwaterBank.objects.filter(published=True).order_by("code")[11]

    def count_in_tiles() -> dict[int, int]:
        counts = {}
        for z in ZOOMS:
            path, x, y = wells_tile_url(well, z)
            features = decode_tile(fetch(client, path).content, z, x, y).get("groundwater_banks", [])
            if z < CLUSTER_BELOW_ZOOM:
                counts[z] = sum(f["count"] for f in features)
            else:
                counts[z] = sum(1 for f in features if f["code"] == well.code)
        return counts

    before = count_in_tiles()
    count_in_tiles()  # now every tile is in the cache
    well.published = False
    well.save()
    after = count_in_tiles()
    assert all(after[z] == before[z] - 1 for z in ZOOMS), (before, after)


def test_raw_sql_writes_are_seen_by_the_cache_too(client):
    from django.db import connection

    well = GroundwaterBank.objects.filter(published=True).order_by("code")[3]
    path, x, y = wells_tile_url(well, 12)
    fetch(client, path)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE programmes_groundwaterbank SET name_th = 'แก้ไขด้วย SQL' WHERE id = %s", [well.pk])
    features = decode_tile(fetch(client, path).content, 12, x, y)["groundwater_banks"]
    assert [f["name_th"] for f in features if f["code"] == well.code] == ["แก้ไขด้วย SQL"]


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("redis-server"), reason="redis-server (Debian package redis-server) not installed")
def test_the_redis_backend_keeps_tiles_for_every_worker(tmp_path):
    from layers.tiles.cache import TileRedisCache

    port = free_port()
    server = subprocess.Popen(["redis-server", "--port", str(port), "--save", "", "--appendonly", "no",
                               "--dir", str(tmp_path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        cache = TileRedisCache(f"redis://127.0.0.1:{port}/0", {"KEY_PREFIX": "tiles-test"})
        for _ in range(50):
            try:
                cache.set("gis:groundwater_banks:public:1:5/24/14", b"\x1a\x02mvt")
                break
            except Exception:  # noqa: BLE001 - the server may still be starting
                time.sleep(0.1)
        # A second backend object stands for another worker process: it sees the same entry.
        other = TileRedisCache(f"redis://127.0.0.1:{port}/0", {"KEY_PREFIX": "tiles-test"})
        assert other.get("gis:groundwater_banks:public:1:5/24/14") == b"\x1a\x02mvt"
        assert other.get("gis:groundwater_banks:public:2:5/24/14") is None
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_with_the_cache_switched_off_tiles_come_straight_from_postgis(client, settings):
    settings.TILE_CACHE_ENABLED = False
    response = fetch(client, "/tiles/groundwater_banks/9/400/236.mvt")
    assert response["X-Tile-Cache"] == "off" and response["ETag"] == f'"{layer_version("groundwater_banks")}-public"'
    again = fetch(client, "/tiles/groundwater_banks/9/400/236.mvt", HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


def test_the_fast_path_still_refuses_hosts_that_are_not_allowed(client):
    assert client.get("/tiles/groundwater_banks/9/400/236.mvt", HTTP_HOST="attacker.example").status_code == 400


@pytest.mark.slow
def test_a_database_outage_on_the_tile_path_is_a_503_with_retry_after():
    # A separate process whose database is a closed port: a real outage, on the fast path.
    status, body, retry_after = get_with_database_down("/tiles/groundwater_banks/9/400/236.mvt")
    assert status == 503 and int(retry_after) > 0
    assert "retry after" in body["description"]
