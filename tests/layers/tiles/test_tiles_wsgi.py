"""The WSGI tile fast path (layers/tiles/wsgi.py): it answers plain public tiles exactly as the Django view
does, hands every other request to Django, and the tile file cache keeps tiles as raw bytes."""
import io
import pickle
import zlib

import pytest
import requests

from layers.tiles.cache import RAW_BYTES, TileFileCache
from layers.tiles.wsgi import fast_tile_reply
from layers.versions import layer_version

pytestmark = pytest.mark.django_db
TILE = "/tiles/groundwater_banks/9/400/236.mvt"
SAME_HEADERS = ("Content-Type", "ETag", "Cache-Control", "Access-Control-Allow-Origin", "X-Data-Version",
                "X-Content-Type-Options", "Referrer-Policy")


def environ(path: str, query: str = "", method: str = "GET", host: str = "127.0.0.1", **extra) -> dict:
    return {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80", "HTTP_HOST": host, "wsgi.input": io.BytesIO(b""), "wsgi.url_scheme": "http",
            "SERVER_PROTOCOL": "HTTP/1.1", **extra}


@pytest.mark.national
def test_plain_and_versioned_public_tiles_are_answered_by_the_fast_path(client):
    version = layer_version("groundwater_banks")
    plain = fast_tile_reply(environ(TILE))
    versioned = fast_tile_reply(environ(TILE, f"v={version}"))
    view = client.get(TILE)
    assert plain is not None and versioned is not None
    assert plain.status == 200 and plain.body == view.content and len(plain.body) > 100
    headers = dict(versioned.headers)
    assert headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert headers["X-Data-Version"] == str(version)
    assert dict(plain.headers)["ETag"] == view["ETag"]


@pytest.mark.parametrize("request_environ", [
    environ(TILE, "include=unpublished"),  # needs the signed-in user
    environ(TILE, "v=12&x=1"),  # any other query
    environ(TILE, "v=abc"),  # Django's view writes the message
    environ(TILE, method="HEAD"),
    environ(TILE, method="POST"),
    environ(TILE, host="evil.example"),  # not in ALLOWED_HOSTS
    environ("/tiles/groundwater_banks/25/0/0.mvt"),  # outside the grid
    environ("/tiles/groundwater_banks/3/2/2.mvt"),  # outside the layer's zooms
    environ("/tiles/nothing/9/400/236.mvt"),  # unknown layer
    environ("/tiles/groundwater_banks/9/x/236.mvt"),
    environ("/ogc/collections"),
])
def test_every_other_request_is_left_to_django(request_environ):
    assert fast_tile_reply(request_environ) is None


def test_over_gunicorn_the_fast_path_answers_exactly_like_the_django_view(client, live_service):
    version = layer_version("groundwater_banks")
    for path in (TILE, f"{TILE}?v={version}"):
        live = requests.get(live_service + path, timeout=30)
        view = client.get(path)
        assert live.status_code == view.status_code == 200
        assert live.content == view.content
        for header in SAME_HEADERS:
            assert live.headers[header] == view[header], header
        assert int(live.headers["Content-Length"]) == len(live.content)
        # Nothing of the session or language machinery: one cached copy per URL for every visitor.
        assert "Vary" not in live.headers and "Set-Cookie" not in live.headers
    again = requests.get(live_service + TILE, headers={"If-None-Match": live.headers["ETag"]}, timeout=30)
    assert again.status_code == 304 and again.content == b""
    empty = requests.get(live_service + "/tiles/groundwater_banks/9/0/0.mvt", timeout=30)
    assert empty.status_code == 204 and empty.content == b"" and empty.headers["X-Data-Version"]


def test_over_gunicorn_requests_the_fast_path_declines_get_django_s_answers(live_service):
    outside = requests.get(live_service + "/tiles/groundwater_banks/25/0/0.mvt", timeout=30)
    assert outside.status_code == 400 and "outside the grid" in outside.json()["description"]
    unknown = requests.get(live_service + "/tiles/nothing/9/400/236.mvt", timeout=30)
    assert unknown.status_code == 404
    unpublished = requests.get(live_service + TILE + "?include=unpublished", timeout=30)
    assert unpublished.status_code == 401 and "Sign in" in unpublished.json()["description"]
    wrong_host = requests.get(live_service + TILE, headers={"Host": "evil.example"}, timeout=30)
    assert wrong_host.status_code == 400
    head = requests.head(live_service + TILE, timeout=30)
    assert head.status_code == 200 and head.content == b""


def test_the_tile_file_cache_keeps_bytes_raw_and_other_values_as_django_does(tmp_path):
    cache = TileFileCache(str(tmp_path), {"TIMEOUT": 60})
    tile = bytes(range(256)) * 40
    cache.set("tile", tile)
    (stored,) = [path.read_bytes() for path in tmp_path.glob("*.djcache")]
    assert stored.endswith(RAW_BYTES + tile)
    assert cache.get("tile") == tile and cache.get("missing", b"default") == b"default"
    cache.set("empty", b"")
    assert cache.get("empty") == b""
    cache.set("record", {"a": [1, 2]})
    assert cache.get("record") == {"a": [1, 2]}
    assert cache.touch("tile", 120) and cache.get("tile") == tile
    cache.set("gone", tile, timeout=-1)
    assert cache.get("gone") is None


def test_the_tile_file_cache_still_reads_entries_in_django_s_own_format(tmp_path):
    cache = TileFileCache(str(tmp_path), {"TIMEOUT": 60})
    path = cache._key_to_file("old")
    with open(path, "wb") as file:
        file.write(pickle.dumps(None) + zlib.compress(pickle.dumps(b"an older tile")))
    assert cache.get("old") == b"an older tile"
