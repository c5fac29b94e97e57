"""The one geometry reader: GeoJSON, WKT or lon/lat in, a GEOS geometry in WGS 84 out, or a reason why not."""
import pytest
from django.contrib.gis.geos import LineString, Point

from gis_service.geography.geometry_input import (
    MISSING,
    UNREADABLE,
    WRONG_TYPE,
    GeometryInputError,
    point_at,
    read_geometry,
)

TRACK = {"type": "LineString", "coordinates": [[102.09, 14.97], [102.1, 14.98]]}


def reason(value, *args, **kwargs) -> str:
    with pytest.raises(GeometryInputError) as caught:
        read_geometry(value, *args, **kwargs)
    return caught.value.reason


def test_lon_lat_make_a_wgs84_point_longitude_first():
    point = point_at(102.0977, 14.9799)
    assert (point.x, point.y, point.srid) == (102.0977, 14.9799, 4326)


def test_geojson_wkt_and_geos_read_alike():
    as_dict = read_geometry({"type": "Point", "coordinates": [102.0977, 14.9799]})
    as_text = read_geometry('{"type": "Point", "coordinates": [102.0977, 14.9799]}')
    as_wkt = read_geometry("POINT (102.0977 14.9799)")
    as_geos = read_geometry(Point(102.0977, 14.9799))
    assert as_dict == as_text == as_wkt == as_geos
    assert {g.srid for g in (as_dict, as_text, as_wkt, as_geos)} == {4326}


def test_a_geometry_naming_its_srid_keeps_it_unless_only_wgs84_is_accepted():
    assert read_geometry("SRID=32647;POINT (800000 1650000)").srid == 32647
    assert reason("SRID=32647;POINT (800000 1650000)", wgs84_only=True) == UNREADABLE


def test_a_track_comes_back_as_a_multiline():
    road = read_geometry(TRACK, ("LineString", "MultiLineString"))
    assert road.geom_type == "MultiLineString" and road[0] == LineString(TRACK["coordinates"], srid=4326)


def test_a_geometry_of_another_type_is_refused_with_its_type():
    with pytest.raises(GeometryInputError) as caught:
        read_geometry(TRACK, ("Point",))
    assert caught.value.reason == WRONG_TYPE and caught.value.geom_type == "LineString"


@pytest.mark.parametrize("value", ["not a geometry", '{"type": "Point"}', 42, {"type": "Nothing"}])
def test_what_cannot_be_read_is_refused_as_unreadable(value):
    assert reason(value) == UNREADABLE


def test_nothing_is_missing_and_geojson_only_refuses_wkt():
    assert reason(None) == MISSING
    assert reason("POINT (102.0977 14.9799)", geojson_only=True) == UNREADABLE
    assert read_geometry(TRACK, geojson_only=True).geom_type == "MultiLineString"
