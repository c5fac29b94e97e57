"""The OpenAPI 3.0 document of the OGC API, generated from the registry so it cannot drift from the code."""
from layers.crs import CRS84_URI, SUPPORTED
from layers.ogc.exports import EXPORT_FORMATS, GPKG_MEDIA_TYPE
from layers.ogc.writes import writable_names
from layers.registry import Layer, list_layers

GEOJSON, JSON, HTML = "application/geo+json", "application/json", "text/html"
REF = "#/components/"


def _param(name: str, schema: dict, description: str, location: str = "query", required: bool = False,
           **extra) -> dict:
    return {"name": name, "in": location, "required": required, "schema": schema, "description": description,
            **extra}


def _error(description: str) -> dict:
    return {"description": description, "content": {JSON: {"schema": {"$ref": f"{REF}schemas/exception"}}}}


def _components() -> dict:
    crs_schema = {"type": "string", "enum": [crs.uri for crs in SUPPORTED], "default": CRS84_URI}
    parameters = {
        "f": _param("f", {"type": "string", "enum": ["json", "html"]}, "Response format (or use Accept)."),
        "offset": _param("offset", {"type": "integer", "minimum": 0, "maximum": 10_000_000, "default": 0},
                         "Number of features to skip (the rel=next link sets it)."),
        "bbox": _param("bbox", {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
                       "minx,miny,maxx,maxy (or 6 numbers with heights), in bbox-crs (default CRS84).",
                       style="form", explode=False),
        "bbox-crs": _param("bbox-crs", crs_schema, "CRS of bbox."),
        "crs": _param("crs", crs_schema, "CRS of the returned geometries (Content-Crs tells which)."),
        "datetime": _param("datetime", {"type": "string"},
                           "RFC 3339 instant or interval (`start/end`, `..` open); matched on the programme year."),
        "filter": _param("filter", {"type": "string"}, "CQL2 filter (text or JSON, see filter-lang)."),
        "filter-lang": _param("filter-lang", {"type": "string", "enum": ["cql2-text", "cql2-json"],
                                              "default": "cql2-text"}, "Language of filter."),
        "filter-crs": _param("filter-crs", crs_schema, "CRS of geometry literals in filter."),
        "sortby": _param("sortby", {"type": "string"}, "Comma-separated property names, `-` for descending."),
        "properties": _param("properties", {"type": "string"}, "Comma-separated property names to return."),
        "featureId": _param("featureId", {"type": "string"}, "The feature's code.", location="path", required=True),
        "If-Match": _param("If-Match", {"type": "string"}, "ETag of the feature as read; 412 if it changed.",
                           location="header"),
    }
    link = {"type": "object", "required": ["href"], "properties": {
        "href": {"type": "string"}, "rel": {"type": "string"}, "type": {"type": "string"},
        "title": {"type": "string"}}}
    geometry = {"type": "object", "nullable": True, "required": ["type"], "properties": {
        "type": {"type": "string"}, "coordinates": {"type": "array"}, "geometries": {"type": "array"}}}
    schemas = {
        "exception": {"type": "object", "required": ["code", "description"], "properties": {
            "code": {"type": "string"}, "description": {"type": "string"}}},
        "link": link,
        "geometry": geometry,
        "landingPage": {"type": "object", "required": ["links"], "properties": {
            "title": {"type": "string"}, "description": {"type": "string"},
            "links": {"type": "array", "items": {"$ref": f"{REF}schemas/link"}}}},
        "confClasses": {"type": "object", "required": ["conformsTo"], "properties": {
            "conformsTo": {"type": "array", "items": {"type": "string"}}}},
        "collection": {"type": "object", "required": ["id", "links"], "properties": {
            "id": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"},
            "links": {"type": "array", "items": {"$ref": f"{REF}schemas/link"}},
            "extent": {"type": "object"}, "itemType": {"type": "string"},
            "crs": {"type": "array", "items": {"type": "string"}}, "storageCrs": {"type": "string"}}},
        "collections": {"type": "object", "required": ["links", "collections"], "properties": {
            "links": {"type": "array", "items": {"$ref": f"{REF}schemas/link"}},
            "collections": {"type": "array", "items": {"$ref": f"{REF}schemas/collection"}}}},
        "jsonSchema": {"type": "object", "required": ["type", "properties"], "properties": {
            "type": {"type": "string"}, "properties": {"type": "object"}}},
    }
    for layer in list_layers():
        schemas[f"{layer.id}_properties"] = {
            "type": "object", "additionalProperties": False,
            "properties": {p.name: {**_openapi_type(p.json_schema()), "nullable": True} for p in layer.properties}}
        schemas[f"{layer.id}_feature"] = {
            "type": "object", "required": ["type", "geometry", "properties"], "properties": {
                "type": {"type": "string", "enum": ["Feature"]}, "id": {"type": "string"},
                "geometry": {"$ref": f"{REF}schemas/geometry"},
                "properties": {"$ref": f"{REF}schemas/{layer.id}_properties"},
                "links": {"type": "array", "items": {"$ref": f"{REF}schemas/link"}}}}
        schemas[f"{layer.id}_collection"] = {
            "type": "object", "required": ["type", "features"], "properties": {
                "type": {"type": "string", "enum": ["FeatureCollection"]},
                "features": {"type": "array", "items": {"$ref": f"{REF}schemas/{layer.id}_feature"}},
                "links": {"type": "array", "items": {"$ref": f"{REF}schemas/link"}},
                "numberMatched": {"type": "integer", "minimum": 0},
                "numberReturned": {"type": "integer", "minimum": 0},
                "timeStamp": {"type": "string", "format": "date-time"}}}
    return {
        "parameters": parameters, "schemas": schemas,
        "securitySchemes": {
            "basicAuth": {"type": "http", "scheme": "basic"},
            "tokenAuth": {"type": "apiKey", "in": "header", "name": "Authorization",
                          "description": "`Token <key>` (Django REST framework token)"},
            "sessionAuth": {"type": "apiKey", "in": "cookie", "name": "sessionid"}},
        "responses": {"400": _error("Bad request: the description says what was wrong."),
                      "404": _error("Unknown collection or feature.")},
    }


def _openapi_type(schema: dict) -> dict:
    """A property's JSON Schema in OpenAPI 3.0 terms (enum lists keep null out, nullable covers it)."""
    return {key: value for key, value in schema.items() if key in ("type", "format", "enum", "title", "description")}


def _ok(description: str, schema_ref: str, media_type: str = JSON, html: bool = True) -> dict:
    content = {media_type: {"schema": {"$ref": f"{REF}schemas/{schema_ref}"}}}
    if html:
        content[HTML] = {"schema": {"type": "string"}}
    return {"description": description, "content": content}


def _ref(name: str) -> dict:
    return {"$ref": f"{REF}parameters/{name}"}


def _layer_paths(layer: Layer) -> dict:
    base = f"/collections/{layer.id}"
    queryable_params = [_param(p.name, _openapi_type(p.json_schema()) | {"title": p.name},
                               f"Features whose {p.name} equals this (comma-separated: any of them).")
                        for p in layer.queryables]
    limit = _param("limit", {"type": "integer", "minimum": 1, "maximum": layer.max_limit,
                             "default": layer.default_limit},
                   f"Features per page (default {layer.default_limit}); above {layer.max_limit} is refused (400).")
    f_items = _param("f", {"type": "string", "enum": ["json", "html", *EXPORT_FORMATS]},
                     "json/html: one page; csv, gpkg, geojson: a download of every matching feature.")
    errors = {"400": {"$ref": f"{REF}responses/400"}, "404": {"$ref": f"{REF}responses/404"}}
    items_ok = _ok("Features", f"{layer.id}_collection", GEOJSON)
    items_ok["content"].update({"text/csv": {"schema": {"type": "string"}},
                                GPKG_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}}})
    items_ok["headers"] = {"Content-Crs": {"schema": {"type": "string"}}}
    paths = {
        base: {"get": {"summary": f"{layer.title_en} ({layer.title_th})", "operationId": f"describe_{layer.id}",
                       "parameters": [_ref("f")], "responses": {"200": _ok("The collection", "collection"), **errors}}},
        f"{base}/queryables": {"get": {"operationId": f"queryables_{layer.id}", "parameters": [_ref("f")],
                                       "responses": {"200": _ok("Queryables", "jsonSchema", "application/schema+json"),
                                                     **errors}}},
        f"{base}/schema": {"get": {"operationId": f"schema_{layer.id}", "parameters": [_ref("f")],
                                   "responses": {"200": _ok("Schema", "jsonSchema", "application/schema+json"),
                                                 **errors}}},
        f"{base}/items": {"get": {
            "summary": f"Features of {layer.title_en}", "operationId": f"items_{layer.id}",
            "parameters": [f_items, limit] + [_ref(n) for n in (
                "offset", "bbox", "bbox-crs", "datetime", "crs", "filter", "filter-lang", "filter-crs", "sortby",
                "properties")] + queryable_params,
            "responses": {"200": items_ok, **errors}}},
        f"{base}/items/{{featureId}}": {"get": {
            "operationId": f"item_{layer.id}", "parameters": [_ref("featureId"), _ref("f"), _ref("crs"),
                                                              _ref("properties")],
            "responses": {"200": {**_ok("One feature", f"{layer.id}_feature", GEOJSON),
                                  "headers": {"ETag": {"schema": {"type": "string"}}}}, **errors}}},
    }
    if layer.writable:
        body = {"required": True, "content": {GEOJSON: {"schema": {"$ref": f"{REF}schemas/{layer.id}_feature"}},
                                              JSON: {"schema": {"$ref": f"{REF}schemas/{layer.id}_feature"}}},
                "description": f"A GeoJSON Feature; writable properties: {', '.join(writable_names(layer))}."}
        security = [{"basicAuth": []}, {"tokenAuth": []}, {"sessionAuth": []}]
        write_errors = {**errors, "401": _error("Not signed in."), "403": _error("Role or LAO does not allow it."),
                        "412": _error("If-Match does not match the current ETag.")}
        paths[f"{base}/items"]["post"] = {
            "operationId": f"create_{layer.id}", "requestBody": body, "security": security,
            "responses": {"201": {"description": "Created; Location names the new feature."}, **write_errors}}
        item = paths[f"{base}/items/{{featureId}}"]
        for method, partial in (("put", False), ("patch", True)):
            item[method] = {"operationId": f"{method}_{layer.id}", "security": security,
                            "parameters": [_ref("featureId"), _ref("If-Match")],
                            "requestBody": body if not partial else {**body, "content": {
                                **body["content"], "application/merge-patch+json": {"schema": {"type": "object"}}}},
                            "responses": {"204": {"description": "Saved; ETag is the new version."}, **write_errors}}
        item["delete"] = {"operationId": f"delete_{layer.id}", "security": security,
                          "parameters": [_ref("featureId"), _ref("If-Match")],
                          "responses": {"204": {"description": "Deleted."}, **write_errors}}
    return paths


def _generic_items() -> dict:
    """The templated items path: generic clients (GDAL) read the page size limits from it."""
    layers = list_layers()
    collection_id = _param("collectionId", {"type": "string", "enum": [layer.id for layer in layers]},
                           "The collection's id.", location="path", required=True)
    limit = _param("limit", {"type": "integer", "minimum": 1, "maximum": max(layer.max_limit for layer in layers),
                             "default": 100}, "Features per page; see each collection's own path for its limits.")
    return {"get": {"operationId": "items", "parameters": [collection_id, limit] + [_ref(n) for n in (
        "offset", "bbox", "bbox-crs", "datetime", "crs", "filter", "filter-lang", "filter-crs", "sortby",
        "properties")], "responses": {"200": {"description": "Features", "content": {
            GEOJSON: {"schema": {"type": "object"}}, HTML: {"schema": {"type": "string"}}}},
        "400": {"$ref": f"{REF}responses/400"}, "404": {"$ref": f"{REF}responses/404"}}}}


def openapi_document(server_url: str) -> dict:
    """The whole OpenAPI 3.0 definition, with `server_url` (…/ogc) as its server."""
    paths = {
        "/": {"get": {"operationId": "landing", "parameters": [_ref("f")],
                      "responses": {"200": _ok("Landing page", "landingPage")}}},
        "/conformance": {"get": {"operationId": "conformance", "parameters": [_ref("f")],
                                 "responses": {"200": _ok("Conformance classes", "confClasses")}}},
        "/api": {"get": {"operationId": "api", "parameters": [_ref("f")],
                         "responses": {"200": {"description": "This document", "content": {
                             "application/vnd.oai.openapi+json;version=3.0": {"schema": {"type": "object"}},
                             HTML: {"schema": {"type": "string"}}}}}}},
        "/collections": {"get": {"operationId": "collections", "parameters": [_ref("f")],
                                 "responses": {"200": _ok("The collections", "collections")}}},
    }
    for layer in list_layers():
        paths.update(_layer_paths(layer))
    paths["/collections/{collectionId}/items"] = _generic_items()
    return {
        "openapi": "3.0.3",
        "info": {"title": "gis_service OGC API – Features", "version": "1.0.0",
                 "description": "DLA programme sites and Thai administrative boundaries (Parts 1–4)."},
        "servers": [{"url": server_url}],
        "paths": paths,
        "components": _components(),
    }
