"""manage.py coverage_report writes GeoJSON, CSV and GeoTIFF; bad input stops it with a clear message."""
import csv
import json

import pytest
import rasterio
from django.core.management import CommandError, call_command

from gis_service.coverage import engine
from gis_service.geography.models import Subdistrict


@pytest.fixture(scope="module", autouse=True)
def metric_units(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        engine.ensure_metric_units()


@pytest.mark.django_db
def test_coverage_report_writes_csv_geojson_and_geotiff_for_an_area(tmp_path):
    call_command("coverage_report", area="TH9011", population="region12_under5", count="3", out=str(tmp_path),
                 verbosity=0)
    with open(tmp_path / "units.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["code"] for r in rows} == set(
        Subdistrict.objects.filter(district__code="TH9011").values_list("code", flat=True)
    )
    assert all(float(r["covered_km2"]) <= float(r["area_km2"]) for r in rows)
    gaps = json.loads((tmp_path / "gaps.geojson").read_text(encoding="utf-8"))
    assert gaps["type"] == "FeatureCollection" and gaps["features"]
    proposals = json.loads((tmp_path / "proposals.geojson").read_text(encoding="utf-8"))
    assert len(proposals["features"]) == 3
    with open(tmp_path / "repairs.csv", encoding="utf-8") as handle:
        assert next(csv.reader(handle))[:3] == ["rank", "code", "name_th"]
    with rasterio.open(tmp_path / "distance.tif") as dataset:
        assert dataset.crs.to_epsg() == 32647 and dataset.read(1).max() > 0


@pytest.mark.django_db
def test_coverage_report_refuses_a_bad_radius(tmp_path):
    with pytest.raises(CommandError, match="radius_m"):
        call_command("coverage_report", radius_m="-1", out=str(tmp_path), verbosity=0)
