"""Coverage engine correctness: metric areas against shapely, monotonicity, totals, rasters against rasterio."""
import json

import numpy as np
import pytest
import rasterio
import rasterio.mask
from django.contrib.gis.geos import Point
from django.http import QueryDict
from rasterio.warp import transform_geom
from shapely.geometry import Point as ShapelyPoint
from shapely.geometry import shape

from gis_service.coverage import cache, engine, planning, reports
from gis_service.coverage.params import parse_params
from gis_service.coverage.population import KNOWN_RASTERS
from gis_service.geography.models import LAO, Province, Subdistrict
from gis_service.programmes.models import GroundwaterBank, Status
from gis_service.programmes.validation import set_geometry

RASTER = KNOWN_RASTERS["region12_under5"]["path"]
SOUTHERN_PROVINCES = ["TH90", "TH91", "TH92", "TH93", "TH94", "TH95", "TH96"]
WELLS = engine.SiteSelection(GroundwaterBank._meta.db_table, (Status.OPERATIONAL,), False)


@pytest.fixture(scope="module", autouse=True)
def metric_units(django_db_setup, django_db_blocker):
    """Build the UTM copies of the subdistricts once, committed (as a deployment would)."""
    with django_db_blocker.unblock():
        engine.ensure_metric_units()


def params(query: str = "", population: str | None = None, published_only: bool = False):
    return parse_params(QueryDict(query), published_only=published_only, population=population)


def add_well(
    subdistrict: Subdistrict, point: Point, status: str = Status.OPERATIONAL, code: str = ""
) -> GroundwaterBank:
    """A well written through the one validation path."""
    lao = LAO.objects.filter(subdistricts=subdistrict).exclude(kind=LAO.Kind.PROVINCIAL).first()
    well = GroundwaterBank(
        name_th="บ่อทดสอบความครอบคลุม",
        name_en="coverage test well",
        status=status,
        lao=lao,
        programme_year=2024,
        source="admin",
        code=code,
    )
    set_geometry(well, point)
    well.save()
    return well


def utm_shape(geojson: dict, epsg: int):
    return shape(transform_geom("EPSG:4326", f"EPSG:{epsg}", geojson))


@pytest.mark.django_db
def test_single_well_covers_its_circle_clipped_to_the_subdistrict_as_shapely_measures_it():
    GroundwaterBank.objects.filter(status=Status.OPERATIONAL).update(status=Status.DECOMMISSIONED)
    subdistrict = Subdistrict.objects.get(code="TH900101")
    boundary = json.loads(subdistrict.geom.json)
    # A point 300 m inside the boundary, so the 1 km circle is clipped by it.
    epsg = 32647
    polygon_utm = utm_shape(boundary, epsg)
    inner = polygon_utm.buffer(-300)
    near_edge = (
        inner.exterior.interpolate(0.0) if inner.geom_type == "Polygon" else inner.geoms[0].exterior.interpolate(0)
    )
    lon, lat = transform_geom(
        f"EPSG:{epsg}", "EPSG:4326", {"type": "Point", "coordinates": [near_edge.x, near_edge.y]}
    )["coordinates"]
    add_well(subdistrict, Point(lon, lat, srid=4326))

    (unit,) = engine.unit_areas(WELLS, 1000.0, [subdistrict.id])
    expected_m2 = ShapelyPoint(near_edge.x, near_edge.y).buffer(1000.0, quad_segs=256).intersection(polygon_utm).area

    assert expected_m2 < 0.95 * np.pi * 1000**2, "the circle should be clipped by the boundary"
    assert unit.covered_m2 == pytest.approx(expected_m2, rel=0.005)
    assert unit.area_m2 == pytest.approx(polygon_utm.area, rel=0.005)
    assert unit.serving_sites == 1


@pytest.mark.django_db
def test_coverage_never_falls_as_the_radius_grows():
    ids = list(Subdistrict.objects.filter(district__code="TH9011").values_list("id", flat=True))
    by_radius = {
        radius: {u.subdistrict_id: u.covered_m2 for u in engine.unit_areas(WELLS, radius, ids)}
        for radius in (500.0, 1000.0, 2000.0)
    }
    assert sum(by_radius[500.0].values()) > 0
    for sid in ids:
        assert by_radius[500.0][sid] <= by_radius[1000.0][sid] + 1e-6 <= by_radius[2000.0][sid] + 2e-6


@pytest.mark.django_db
def test_coverage_never_falls_when_a_serving_site_is_added_and_the_cache_key_moves():
    subdistrict = Subdistrict.objects.get(code="TH901101")
    ids = list(Subdistrict.objects.filter(district__code="TH9011").values_list("id", flat=True))
    request = params("area=TH9011")
    key_before = cache.result_key("units", request)
    before = {u.subdistrict_id: u.covered_m2 for u in engine.unit_areas(WELLS, 1000.0, ids)}
    add_well(subdistrict, subdistrict.geom.point_on_surface)
    after = {u.subdistrict_id: u.covered_m2 for u in engine.unit_areas(WELLS, 1000.0, ids)}
    assert all(after[sid] >= before[sid] - 1e-6 for sid in ids)
    assert sum(after.values()) > sum(before.values())
    assert cache.result_key("units", request) != key_before


@pytest.mark.national
@pytest.mark.django_db
def test_covered_plus_uncovered_equals_the_total_for_area_and_population():
    report = reports.units_report(params("area=TH90", population="region12_under5"))
    assert len(report["units"]) == Subdistrict.objects.filter(province__code="TH90").count()
    for unit in report["units"]:
        assert unit["covered_km2"] + unit["uncovered_km2"] == pytest.approx(unit["area_km2"], abs=1e-3)
        assert 0 <= unit["covered_share"] <= 1
        if unit["population"]:
            assert unit["covered_population"] + unit["uncovered_population"] == pytest.approx(
                unit["population"], abs=0.05
            )
    summary = report["summary"]["area"]
    assert summary["covered_km2"] + summary["uncovered_km2"] == pytest.approx(summary["area_km2"], abs=1e-2)
    assert summary["covered_population"] + summary["uncovered_population"] == pytest.approx(
        summary["population"], abs=0.5
    )
    shares = [u["population_covered_share"] for u in report["units"] if u["population_covered_share"] is not None]
    assert shares == sorted(shares), "least covered first"
    assert report["summary"]["nation"]["units"] == 77


@pytest.mark.national
@pytest.mark.django_db
def test_population_per_province_equals_rasterios_zonal_sum_and_total_equals_the_sum_inside_thailand():
    report = reports.units_report(params("level=province", population="region12_under5"))
    by_code = {u["code"]: u for u in report["units"]}
    with rasterio.open(RASTER) as dataset:
        nodata = dataset.nodata
        inside_thailand = 0.0
        for province in Province.objects.all():
            geometry = transform_geom("EPSG:4326", dataset.crs, json.loads(province.geom.json))
            try:
                values, _ = rasterio.mask.mask(dataset, [geometry], crop=True, filled=False)
            except ValueError:  # the province does not overlap the raster
                continue
            zonal = float(np.ma.masked_where(values == nodata, values).sum())
            inside_thailand += zonal
            assert by_code[province.code]["population"] == pytest.approx(zonal, rel=1e-4, abs=0.5), province.code
    assert by_code["TH90"]["population"] == pytest.approx(105_723, abs=1)
    assert by_code["TH91"]["population"] == pytest.approx(19_764, abs=1)
    assert report["summary"]["area"]["population"] == pytest.approx(inside_thailand, rel=1e-4)
    assert 300_000 < inside_thailand < 309_816


@pytest.mark.django_db
def test_proposals_pick_the_best_cell_first_and_gains_never_grow():
    result = planning.proposals(params("area=TH90&count=5", population="region12_under5"))
    gains = [f["properties"]["marginal_gain_people"] for f in result["features"]]
    assert len(gains) == 5 and gains[0] > 0
    assert gains == sorted(gains, reverse=True)
    cumulative = result["features"][-1]["properties"]["cumulative_gain_people"]
    assert cumulative == pytest.approx(sum(gains), abs=0.01)
    songkhla = Province.objects.get(code="TH90").geom
    assert all(songkhla.intersects(Point(*f["geometry"]["coordinates"], srid=4326)) for f in result["features"])
    # Each proposal names the LAO that would build it: a local LAO of the register serving its point.
    from gis_service.geography.queries import laos_serving_point

    for feature in result["features"]:
        props = feature["properties"]
        lao = LAO.objects.get(code=props["lao"])
        assert lao.id == laos_serving_point(*feature["geometry"]["coordinates"])[0]
        assert lao.kind != "pao" and props["lao_name_th"] == lao.full_name_th and not lao.generated


@pytest.mark.django_db
def test_repair_ranking_puts_the_site_with_no_alternative_first():
    GroundwaterBank.objects.filter(subdistrict__district__code="TH9011", status=Status.NEEDS_REPAIR).update(
        status=Status.DECOMMISSIONED
    )
    subdistrict = Subdistrict.objects.get(code="TH901101")
    lonely = add_well(subdistrict, subdistrict.geom.point_on_surface, status=Status.NEEDS_REPAIR, code="GWB-COVTEST1")
    add_well(subdistrict, lonely.geom, status=Status.OPERATIONAL, code="GWB-COVTEST2")  # a working well beside it
    shadowed = lonely
    result = planning.repairs(params("area=TH9011"))
    (row,) = [r for r in result["sites"] if r["code"] == shadowed.code]
    assert row["uncovered_km2"] == pytest.approx(0.0, abs=0.01), "a working well at the same spot leaves nothing"
    uncovered = [r["uncovered_km2"] for r in result["sites"]]
    assert uncovered == sorted(uncovered, reverse=True)


@pytest.mark.django_db
def test_distance_raster_is_zero_near_serving_sites_and_in_metres():
    data = planning.distance_geotiff(params("area=TH9011&resolution_m=200"))
    with rasterio.MemoryFile(data) as memfile, memfile.open() as dataset:
        assert dataset.crs.to_epsg() == 32647
        assert dataset.res == (200.0, 200.0)
        band = dataset.read(1, masked=True)
        well = GroundwaterBank.objects.filter(subdistrict__district__code="TH9011", status=Status.OPERATIONAL).first()
        x, y = transform_geom("EPSG:4326", "EPSG:32647", json.loads(well.geom.json))["coordinates"]
        row, col = dataset.index(x, y)
        assert band[row, col] <= 200 * 0.75
        assert band.max() > 1000
