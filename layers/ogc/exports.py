"""Exports of any filtered `/items` query: CSV (lon/lat, UTF-8 with BOM), GeoPackage and one-file GeoJSON.

Downloads hold every matching feature (no paging unless `limit`/`offset` are given). The GeoPackage
is made by GDAL's ogr2ogr from the GeoJSON our own feature SQL renders, so no SQL is handed to GDAL.
"""
import csv
import io
import subprocess
import tempfile
from pathlib import Path

from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse, StreamingHttpResponse

from layers.crs import CRS84
from layers.features import FeatureRows, plain_rows
from layers.ogc.base import GEOJSON, now_iso
from layers.ogc.errors import ExportFailed, InvalidParameter
from layers.ogc.params import ItemQuery
from layers.registry import Layer

EXPORT_FORMATS = ("csv", "gpkg", "geojson")
GPKG_MEDIA_TYPE = "application/geopackage+sqlite3"
OGR2OGR_TIMEOUT_S = 300


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a stream."""

    def write(self, value: str) -> str:
        return value


def export_response(layer: Layer, queryset: QuerySet, query: ItemQuery, fmt: str) -> HttpResponse:
    """The download of every feature in `queryset` in format `fmt`."""
    stamp = now_iso().replace(":", "").replace("-", "")[:15]
    filename = f"{layer.id}-{stamp}.{fmt}"
    if fmt == "csv":
        if query.crs != CRS84:
            raise InvalidParameter("CSV exports give lon/lat in CRS84: leave out 'crs' or use GeoPackage.")
        response = StreamingHttpResponse(
            _csv_lines(layer, queryset, query.names), content_type="text/csv; charset=utf-8"
        )
    elif fmt == "geojson":
        rows = FeatureRows(layer, queryset, query.names, query.crs)
        response = StreamingHttpResponse(_geojson_stream(rows), content_type=GEOJSON)
        response["Content-Crs"] = query.crs.header
    else:
        return _gpkg_response(layer, queryset, query, filename)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _csv_lines(layer: Layer, queryset: QuerySet, names: list[str]):
    writer = csv.writer(_Echo())
    # The byte-order mark makes Excel read the file as UTF-8, so Thai names display correctly.
    yield "\ufeff" + writer.writerow(["id", "lon", "lat", "wkt", *names])
    for row in plain_rows(layer, queryset, names):
        yield writer.writerow(["" if value is None else value for value in row])


def _geojson_stream(rows: FeatureRows):
    yield f'{{"type":"FeatureCollection","numberReturned":{rows.count},"timeStamp":"{now_iso()}","features":['
    yield from rows.chunks()
    yield "]}"


def _gpkg_response(layer: Layer, queryset: QuerySet, query: ItemQuery, filename: str) -> HttpResponse:
    workdir = Path(tempfile.mkdtemp(prefix="ogc-export-"))
    source, target = workdir / "features.geojson", workdir / filename
    # GeoPackage stores x/y, so EPSG:4326 (lat/lon in OGC's axis order) is written lon/lat.
    render_crs = CRS84 if query.crs.lat_first else query.crs
    rows = FeatureRows(layer, queryset, query.names, render_crs)
    with source.open("w", encoding="utf-8") as handle:
        for chunk in _geojson_stream(rows):
            handle.write(chunk)
    geometry_type = "POINT" if layer.geometry_type == "Point" else "PROMOTE_TO_MULTI"
    command = [
        "ogr2ogr",
        "-f",
        "GPKG",
        str(target),
        str(source),
        "-nln",
        layer.id,
        "-a_srs",
        f"EPSG:{render_crs.srid}",
        "-nlt",
        geometry_type,
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=OGR2OGR_TIMEOUT_S)
    source.unlink(missing_ok=True)
    if result.returncode != 0:
        raise ExportFailed(f"The GeoPackage could not be written: {result.stderr.strip()[:300]}")
    response = FileResponse(_CleanupFile(target), content_type=GPKG_MEDIA_TYPE, as_attachment=True, filename=filename)
    return response


class _CleanupFile(io.FileIO):
    """A file that deletes itself and its folder once the response has sent it."""

    def __init__(self, path: Path):
        super().__init__(path, "rb")
        self.path = path

    def close(self) -> None:
        super().close()
        self.path.unlink(missing_ok=True)
        try:
            self.path.parent.rmdir()
        except OSError:
            pass
