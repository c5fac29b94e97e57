"""TileJSON 3.0 per layer and per set, and the MapLibre style, derived from the registry."""
import pytest

from layers.registry import list_layers
from layers.versions import layer_versions

pytestmark = pytest.mark.django_db


def test_tilejson_of_one_layer_describes_its_fields_zooms_and_bounds(client):
    response = client.get("/tiles/groundwater_banks/tilejson.json")
    assert response.status_code == 200 and response["Cache-Control"] == "public, no-cache"
    document = response.json()
    assert document["tilejson"] == "3.0.0"
    assert (document["minzoom"], document["maxzoom"]) == (5, 16)
    west, south, east, north = document["bounds"]
    # Thailand, and no wider.
    assert 97 < west < east < 106 and 5 < south < north < 21
    (layer,) = document["vector_layers"]
    assert layer["id"] == "groundwater_banks"
    assert layer["fields"]["code"] == "String" and layer["fields"]["programme_year"] == "Number"
    assert layer["fields"]["count"] == "Number"
    assert "budget_thb" not in layer["fields"]
    assert client.get("/tiles/groundwater_banks/tilejson.json", HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304


def test_tilejson_of_a_set_uses_the_multi_layer_tile_url_and_the_newest_version(client):
    document = client.get("/tiles/provinces,groundwater_banks,local_roads/tilejson.json").json()
    newest = max(layer_versions(["provinces", "groundwater_banks", "local_roads"]).values())
    assert document["tiles"][0].endswith(
        f"/tiles/provinces,groundwater_banks,local_roads/{{z}}/{{x}}/{{y}}.mvt?v={newest}"
    )
    assert [layer["id"] for layer in document["vector_layers"]] == ["provinces", "groundwater_banks", "local_roads"]
    assert (document["minzoom"], document["maxzoom"]) == (0, 16)


def test_tilejson_for_an_unknown_layer_is_404(client):
    response = client.get("/tiles/wells/tilejson.json")
    assert response.status_code == 404 and "groundwater_banks" in response.json()["description"]


def test_maplibre_style_draws_every_programme_over_the_boundaries_from_one_versioned_source(client):
    style = client.get("/tiles/style.json").json()
    assert style["version"] == 8
    (source,) = style["sources"].values()
    assert source["type"] == "vector" and "?v=" in source["tiles"][0]
    source_layers = {layer.get("source-layer") for layer in style["layers"]} - {None}
    assert source_layers == {"provinces", "districts"} | {layer.id for layer in list_layers(programmes_only=True)}
    assert style["layers"][0]["type"] == "background"
    wells = next(layer for layer in style["layers"] if layer["id"] == "groundwater_banks-points")
    assert wells["paint"]["circle-color"] == "#1f78b4"
    thai = client.get("/tiles/style.json?lang=th").json()
    assert any(layer.get("metadata", {}).get("title") == "ธนาคารน้ำใต้ดิน" for layer in thai["layers"])
