"""OGC API – Features endpoints (Part 1 core, Part 2 CRS, Part 3 queryables/filters) over the registry."""
import json

from django.http import HttpRequest, HttpResponse
from django.utils.http import urlencode

from layers.features import Audience, FeaturePage
from layers.ogc import metadata, writes
from layers.ogc.base import (
    GEOJSON,
    HTML,
    JSON,
    OPENAPI_JSON,
    OgcView,
    base_url,
    html_response,
    json_response,
    link,
    now_iso,
)
from layers.ogc.counts import matched_count, read_snapshot
from layers.ogc.errors import NotFound, UnknownParameter
from layers.ogc.exports import EXPORT_FORMATS, export_response
from layers.ogc.openapi import openapi_document
from layers.ogc.params import parse_crs, parse_items_query, parse_properties
from layers.registry import Layer, get_layer, list_layers

LANGS = ("en", "th")


def _lang(request: HttpRequest) -> str:
    lang = request.GET.get("lang") or getattr(request, "LANGUAGE_CODE", "en")
    return lang if lang in LANGS else "en"


class LandingView(OgcView):
    """`/ogc/`: what the API offers."""

    def get(self, request: HttpRequest) -> HttpResponse:
        document = metadata.landing(base_url(request))
        if self.choose_format(request) == "html":
            return html_response(request, "landing.html", {"doc": document, "layers": list_layers()})
        return json_response(document)


class ConformanceView(OgcView):
    """`/ogc/conformance`: the conformance classes implemented."""

    def get(self, request: HttpRequest) -> HttpResponse:
        document = {"conformsTo": metadata.CONFORMANCE}
        if self.choose_format(request) == "html":
            return html_response(request, "conformance.html", {"doc": document})
        return json_response(document)


class ApiView(OgcView):
    """`/ogc/api`: the OpenAPI 3.0 definition, generated from the registry."""

    def get(self, request: HttpRequest) -> HttpResponse:
        document = openapi_document(base_url(request))
        if self.choose_format(request) == "html":
            return html_response(request, "api.html", {"doc": document})
        return json_response(document, OPENAPI_JSON)


class CollectionsView(OgcView):
    """`/ogc/collections`: every layer of the registry."""

    def get(self, request: HttpRequest) -> HttpResponse:
        base, lang = base_url(request), _lang(request)
        collections = [metadata.collection(layer, base, layer.visible_queryset(request.user), lang)
                       for layer in list_layers()]
        document = {
            "links": [link(f"{base}/collections", "self", JSON, "The collections"),
                      link(f"{base}/collections?f=html", "alternate", HTML, "The collections as HTML")],
            "collections": collections,
            "crs": [c for c in collections[0]["crs"]] if collections else [],
        }
        if self.choose_format(request) == "html":
            return html_response(request, "collections.html", {"doc": document})
        return json_response(document)


class CollectionView(OgcView):
    """`/ogc/collections/{id}`: one layer's description."""

    def get(self, request: HttpRequest, collection_id: str) -> HttpResponse:
        layer = get_layer(collection_id)
        document = metadata.collection(layer, base_url(request), layer.visible_queryset(request.user), _lang(request))
        if self.choose_format(request) == "html":
            return html_response(request, "collection.html", {"doc": document, "layer": layer})
        return json_response(document)


class QueryablesView(OgcView):
    """`/ogc/collections/{id}/queryables` (and `/schema` with every property)."""

    all_properties = False

    def get(self, request: HttpRequest, collection_id: str) -> HttpResponse:
        layer = get_layer(collection_id)
        document = metadata.queryables(layer, base_url(request), request, self.all_properties)
        if self.choose_format(request) == "html":
            return html_response(request, "queryables.html", {"doc": document, "layer": layer})
        return json_response(document, "application/schema+json")


class ItemsView(OgcView):
    """`/ogc/collections/{id}/items`: features (GET, paged or exported) and creation (POST)."""

    formats = ("json", "html") + EXPORT_FORMATS

    def get(self, request: HttpRequest, collection_id: str) -> HttpResponse:
        """A page (count from the version-keyed cache, rows by id, one read snapshot) or a download."""
        layer = get_layer(collection_id)
        fmt = self.choose_format(request)
        paged = fmt in ("json", "html") or "limit" in request.GET or "offset" in request.GET
        query = parse_items_query(layer, request.GET, paged=paged)
        visible = layer.visible_queryset(request.user)
        queryset = visible.filter(query.where).order_by(*query.order_paths)
        if fmt in EXPORT_FORMATS:
            page = queryset[query.offset:query.offset + query.limit] if paged else queryset
            return export_response(layer, page, query, fmt)
        audience = Audience.of(visible)
        with read_snapshot():
            matched = matched_count(layer, audience, queryset, query.filter_key)
            rows = FeaturePage(layer, audience, queryset[query.offset:query.offset + query.limit], query.names,
                               query.crs)
        links = self._links(request, layer, query.offset, query.limit, rows.count, matched)
        if fmt == "html":
            features = [json.loads(text) for text in rows.texts]
            return html_response(request, "items.html", {
                "layer": layer, "features": features, "links": links, "matched": matched,
                "names": query.names, "offset": query.offset, "returned": len(features)})
        # The page is in memory already: one body with a Content-Length beats a chunked stream.
        body = (f'{{"type":"FeatureCollection","numberMatched":{matched},"numberReturned":{rows.count},'
                f'"timeStamp":"{now_iso()}","links":{json.dumps(links, ensure_ascii=False)},"features":['
                f'{",".join(rows.texts)}]}}')
        response = HttpResponse(body, content_type=GEOJSON)
        response["Content-Crs"] = query.crs.header
        return response

    def post(self, request: HttpRequest, collection_id: str) -> HttpResponse:
        return writes.create(request, get_layer(collection_id), base_url(request))

    def _links(self, request: HttpRequest, layer: Layer, offset: int, limit: int, returned: int, matched: int):
        url = f"{base_url(request)}/collections/{layer.id}/items"
        params = request.GET.copy()

        def with_params(**changes) -> str:
            for key, value in changes.items():
                params[key] = str(value)
            text = urlencode(sorted(params.lists()), doseq=True)
            return f"{url}?{text}" if text else url

        links = [link(with_params(f="json"), "self", GEOJSON, "This page"),
                 link(with_params(f="html"), "alternate", HTML, "This page as HTML"),
                 link(with_params(f="csv"), "alternate", "text/csv", "Every matching feature as CSV"),
                 link(with_params(f="gpkg"), "alternate", "application/geopackage+sqlite3",
                      "Every matching feature as GeoPackage"),
                 link(f"{base_url(request)}/collections/{layer.id}", "collection", JSON, "The collection")]
        params.pop("f", None)
        if offset + returned < matched:
            links.append(link(with_params(offset=offset + limit, limit=limit, f="json"), "next", GEOJSON, "Next page"))
        if offset > 0:
            links.append(link(with_params(offset=max(0, offset - limit), limit=limit, f="json"), "prev", GEOJSON,
                              "Previous page"))
        return links


class ItemView(OgcView):
    """`/ogc/collections/{id}/items/{featureId}`: one feature (GET) and its replace, update and delete."""

    def get(self, request: HttpRequest, collection_id: str, feature_id: str) -> HttpResponse:
        layer = get_layer(collection_id)
        fmt = self.choose_format(request)
        allowed = {"f", "crs", "properties"}
        unknown = sorted(set(request.GET) - allowed)
        if unknown:
            raise UnknownParameter(f"Unknown parameter {', '.join(unknown)}: a feature takes only f, crs, properties.")
        crs = parse_crs(request.GET.get("crs"), "crs")
        names = parse_properties(layer, request.GET.get("properties"))
        visible = layer.visible_queryset(request.user)
        queryset = visible.filter(**{layer.id_field: feature_id})
        texts = FeaturePage(layer, Audience.of(visible), queryset, names, crs).texts
        if not texts:
            raise NotFound(f"No feature '{feature_id}' in collection '{layer.id}'.")
        feature = json.loads(texts[0])
        base = base_url(request)
        url = f"{base}/collections/{layer.id}/items/{feature_id}"
        feature["links"] = [link(url, "self", GEOJSON, "This feature"),
                            link(f"{url}?f=html", "alternate", HTML, "This feature as HTML"),
                            link(f"{base}/collections/{layer.id}", "collection", JSON, "The collection")]
        etag = writes.current_etag(layer, queryset)
        if fmt == "html":
            response = html_response(request, "item.html", {"layer": layer, "feature": feature})
        else:
            response = json_response(feature, GEOJSON)
            response["Content-Crs"] = crs.header
        if etag:
            response["ETag"] = etag
        return response

    def put(self, request: HttpRequest, collection_id: str, feature_id: str) -> HttpResponse:
        return writes.replace(request, get_layer(collection_id), feature_id, partial=False)

    def patch(self, request: HttpRequest, collection_id: str, feature_id: str) -> HttpResponse:
        return writes.replace(request, get_layer(collection_id), feature_id, partial=True)

    def delete(self, request: HttpRequest, collection_id: str, feature_id: str) -> HttpResponse:
        return writes.delete(request, get_layer(collection_id), feature_id)

