"""Reading a geometry someone sent: GeoJSON, WKT or a longitude and latitude. Every writer (API, import, admin,
field intake) reads through here; each words the errors for its own users.
"""
import json
from collections.abc import Collection

from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry, LineString, MultiLineString, Point

from gis_service.geography.constants import WGS84

# Why a geometry was not accepted (GeometryInputError.reason).
MISSING = "missing"
UNREADABLE = "unreadable"
WRONG_TYPE = "wrong_type"


class GeometryInputError(ValueError):
    """A geometry that is missing, cannot be read, or is of a type not accepted here."""

    def __init__(self, reason: str, detail: str = "", geom_type: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason
        self.detail = detail
        self.geom_type = geom_type


def point_at(lon: float, lat: float) -> Point:
    """A WGS 84 point from a longitude and a latitude."""
    return Point(lon, lat, srid=WGS84)


def read_geometry(value: GEOSGeometry | dict | str | None, allowed_types: Collection[str] = (), *,
                  geojson_only: bool = False, wgs84_only: bool = False) -> GEOSGeometry:
    """A GEOS geometry from GEOS, GeoJSON (a dict or text) or WKT, in WGS 84 unless it names its SRID.

    `allowed_types` (GEOS type names) refuses any other type. A LineString comes back as a MultiLineString,
    as roads are stored. `geojson_only` refuses anything but a GeoJSON object, and
    `wgs84_only` a geometry naming another SRID (the phone form sends lon/lat only).
    """
    if value is None:
        raise GeometryInputError(MISSING)
    if not isinstance(value, GEOSGeometry):
        value = _parse(value, geojson_only)
    if wgs84_only and value.srid not in (None, WGS84):
        raise GeometryInputError(UNREADABLE, f"Input geometry already has SRID: {value.srid}.")
    if allowed_types and value.geom_type not in allowed_types:
        raise GeometryInputError(WRONG_TYPE, geom_type=value.geom_type)
    if value.srid is None:
        value.srid = WGS84
    if isinstance(value, LineString):
        value = MultiLineString(value, srid=value.srid)
    return value


def _parse(value: dict | str, geojson_only: bool) -> GEOSGeometry:
    if geojson_only and not isinstance(value, dict):
        raise GeometryInputError(UNREADABLE, "not a GeoJSON object")
    try:
        return GEOSGeometry(json.dumps(value) if isinstance(value, dict) else value)
    except (ValueError, TypeError, GEOSException, GDALException) as exc:
        raise GeometryInputError(UNREADABLE, str(exc)) from exc
