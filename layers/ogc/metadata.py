"""Landing page, conformance and collection documents, all derived from the layer registry."""
from django.contrib.gis.db.models import Extent
from django.db.models import Max, Min
from django.http import HttpRequest
from django.utils.text import capfirst

from gis_service.programmes.registry import programmes_in_words_en
from layers.crs import CRS84_URI, SUPPORTED
from layers.ogc.base import GEOJSON, HTML, JSON, OPENAPI_JSON, link
from layers.registry import Layer

CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
    "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
    "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
    "http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
    "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
    "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
    "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
    "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/sortables",
    "http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/properties",
    # OGC API – Tiles, served by layers/tiles/ogc.py from the same registry.
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
    "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
    "http://www.opengis.net/spec/tms/2.0/conf/tilematrixset",
]
TILING_SCHEMES_REL = "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes"
VECTOR_TILESETS_REL = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"


def landing(base: str) -> dict:
    """The landing page document."""
    return {
        "title": "gis_service: DLA programme sites (OGC API – Features)",
        "description": f"{capfirst(programmes_in_words_en())} of Thailand's local administrative organisations, "
                       "with provinces, districts and subdistricts for reference.",
        "links": [
            link(f"{base}/", "self", JSON, "This document"),
            link(f"{base}/?f=html", "alternate", HTML, "This document as HTML"),
            link(f"{base}/api", "service-desc", OPENAPI_JSON, "The API definition (OpenAPI 3.0)"),
            link(f"{base}/api?f=html", "service-doc", HTML, "The API documentation"),
            link(f"{base}/conformance", "conformance", JSON, "Conformance classes"),
            link(f"{base}/collections", "data", JSON, "The collections"),
            link(f"{base}/tileMatrixSets", TILING_SCHEMES_REL, JSON, "Tiling schemes (WebMercatorQuad)"),
        ],
    }


def collection(layer: Layer, base: str, visible_queryset, lang: str = "en") -> dict:
    """The description of one collection (extent computed over what this user may see)."""
    stats = visible_queryset.aggregate(extent=Extent(layer.geometry_field), **(
        {"first": Min(layer.year_field), "last": Max(layer.year_field)} if layer.year_field else {}))
    extent: dict = {"spatial": {"bbox": [list(stats["extent"]) if stats["extent"] else [97.3, 5.6, 105.7, 20.5]],
                                "crs": CRS84_URI}}
    if layer.year_field:
        interval = [f"{stats['first']}-01-01T00:00:00Z" if stats["first"] else None,
                    f"{stats['last']}-12-31T23:59:59Z" if stats["last"] else None]
        extent["temporal"] = {"interval": [interval], "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"}
    url = f"{base}/collections/{layer.id}"
    return {
        "id": layer.id,
        "title": layer.title_th if lang == "th" else layer.title_en,
        "description": layer.description_th if lang == "th" else layer.description_en,
        "title_th": layer.title_th, "title_en": layer.title_en,
        "keywords": list(layer.keywords),
        "itemType": "feature",
        "extent": extent,
        "crs": [crs.uri for crs in SUPPORTED],
        "storageCrs": CRS84_URI,
        "geometryType": layer.geometry_type,
        "writable": layer.writable,
        "style": {"colour": layer.style.colour, "symbol": layer.style.symbol},
        "minzoom": layer.minzoom, "maxzoom": layer.maxzoom,
        "defaultLimit": layer.default_limit, "maxLimit": layer.max_limit,
        "links": [
            link(url, "self", JSON, "This collection"),
            link(f"{url}?f=html", "alternate", HTML, "This collection as HTML"),
            link(f"{url}/items", "items", GEOJSON, "Features as GeoJSON"),
            link(f"{url}/items?f=html", "items", HTML, "Features as HTML"),
            link(f"{url}/items?f=csv", "alternate", "text/csv", "Every feature as CSV"),
            link(f"{url}/items?f=gpkg", "alternate", "application/geopackage+sqlite3", "Every feature as GeoPackage"),
            link(f"{url}/queryables", "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                 "application/schema+json", "Queryable properties"),
            link(f"{url}/schema", "http://www.opengis.net/def/rel/ogc/1.0/schema",
                 "application/schema+json", "Schema of the features"),
            link(f"{url}/tiles", VECTOR_TILESETS_REL, JSON, "Vector tilesets (Mapbox Vector Tiles)"),
        ],
    }


def queryables(layer: Layer, base: str, request: HttpRequest | None = None, all_properties: bool = False) -> dict:
    """The JSON Schema of the queryables (or of every property, for `/schema`)."""
    props = layer.properties if all_properties else layer.queryables
    kind = "schema" if all_properties else "queryables"
    properties = {prop.name: prop.json_schema() for prop in props}
    properties["geometry"] = {"format": f"geometry-{layer.geometry_type.lower()}",
                              "title": "Geometry", "x-ogc-role": "primary-geometry"}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{base}/collections/{layer.id}/{kind}",
        "type": "object",
        "title": layer.title_en,
        "properties": properties,
        "additionalProperties": False,
    }
