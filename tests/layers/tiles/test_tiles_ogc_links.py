"""OGC API – Tiles is discoverable from the Features landing page, conformance and collections."""
import pytest

from layers.ogc.metadata import TILING_SCHEMES_REL, VECTOR_TILESETS_REL

pytestmark = pytest.mark.django_db


def test_conformance_declares_the_tiles_classes(client):
    conforms = client.get("/ogc/conformance?f=json").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core" in conforms
    assert "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt" in conforms


def test_landing_and_collection_links_lead_to_working_tile_documents(client):
    landing = client.get("/ogc/?f=json").json()
    schemes = next(item["href"] for item in landing["links"] if item["rel"] == TILING_SCHEMES_REL)
    assert client.get(schemes).json()["tileMatrixSets"][0]["id"] == "WebMercatorQuad"
    collection = client.get("/ogc/collections/groundwater_banks?f=json").json()
    tilesets = next(item["href"] for item in collection["links"] if item["rel"] == VECTOR_TILESETS_REL)
    response = client.get(tilesets)
    assert response.status_code == 200
    assert response.json()["tilesets"][0]["dataType"] == "vector"
