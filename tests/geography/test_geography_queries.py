"""The geographic rules' one home: which subdistrict holds a point, which LAOs serve it, its UTM zone, the BE."""
import ast
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.db import connection

from gis_service.geography import queries
from gis_service.geography.constants import UTM_47N, UTM_48N, to_buddhist_era, to_common_era
from gis_service.geography.models import LAO, Subdistrict
from gis_service.programmes.models import Status
from gis_service.programmes.validation import ALLOWED_TRANSITIONS

pytestmark = pytest.mark.django_db

# Inside Mueang Nakhon Ratchasima (TH300101), east of 102°E; and central Bangkok, west of it.
KORAT = (102.0977, 14.9799)
BANGKOK = (100.4930, 13.7510)
GULF_OF_THAILAND = (100.8, 12.0)
REPO = Path(__file__).resolve().parents[2]


def lao_codes(ids: list[int]) -> list[str]:
    codes = dict(LAO.objects.filter(id__in=ids).values_list("id", "code"))
    return [codes[lao_id] for lao_id in ids]


def test_a_point_in_korat_lies_in_its_subdistrict():
    assert queries.subdistrict_at(*KORAT) == Subdistrict.objects.get(code="TH300101").id


@pytest.mark.national
def test_the_subdistrict_found_is_the_one_whose_boundary_holds_the_point():
    found = queries.subdistrict_at(*BANGKOK)
    assert found == Subdistrict.objects.get(geom__intersects=Point(*BANGKOK, srid=4326)).id
    assert Subdistrict.objects.get(pk=found).code.startswith("TH10")


def test_a_point_at_sea_lies_in_no_subdistrict_and_no_lao_serves_it():
    assert queries.subdistrict_at(*GULF_OF_THAILAND) is None
    assert queries.laos_serving_point(*GULF_OF_THAILAND) == []


def test_a_point_on_a_shared_border_goes_to_the_lower_code():
    with connection.cursor() as cursor:
        # A vertex both Korat subdistricts' boundaries share (the fixtures keep shared borders identical).
        cursor.execute(
            "SELECT a.code, b.code, ST_X(v.g), ST_Y(v.g) FROM geography_subdistrict a"
            " JOIN geography_subdistrict b ON a.code < b.code AND ST_Touches(a.geom, b.geom)"
            " CROSS JOIN LATERAL (SELECT (ST_DumpPoints(ST_Intersection(a.geom, b.geom))).geom AS g) v"
            " WHERE a.code = 'TH300101' AND ST_Intersects(a.geom, v.g) AND ST_Intersects(b.geom, v.g) LIMIT 1"
        )
        lower, higher, lon, lat = cursor.fetchone()
    assert queries.subdistrict_at(lon, lat) == Subdistrict.objects.get(code=lower).id
    assert higher > lower


def test_the_local_lao_serves_a_point_before_the_provincial_one():
    # Nakhon Ratchasima City Municipality (เทศบาลนครนครราชสีมา), then the province's PAO: the DLA's codes.
    assert lao_codes(queries.laos_serving_point(*KORAT)) == ["3300102", "2300101"]


def test_an_lao_a_newer_register_no_longer_lists_serves_nothing_new():
    city = LAO.objects.get(code="3300102")
    city.active = False
    city.save(update_fields=["active"])
    assert lao_codes(queries.laos_serving_point(*KORAT)) == ["2300101"]


@pytest.mark.national
def test_pattaya_city_and_its_province_serve_pattaya():
    inside = Subdistrict.objects.get(code="TH200402").geom.point_on_surface
    # Nong Prue (TH200402) is Pattaya's and also Nong Prue Town Municipality's (the register's name match).
    assert lao_codes(queries.laos_serving_point(inside.x, inside.y)) == ["3200408", "4200401", "2200101"]


@pytest.mark.national
def test_bangkok_is_served_by_the_metropolitan_administration_alone():
    assert lao_codes(queries.laos_serving_point(*BANGKOK)) == ["BMA"]


def test_the_laos_serving_a_subdistrict_are_those_serving_its_points():
    subdistrict = Subdistrict.objects.get(code="TH300101")
    serving = set(LAO.objects.filter(id__in=queries.serving_lao_ids(subdistrict.id)).values_list("id", flat=True))
    assert serving == set(queries.laos_serving_point(*KORAT))


def test_the_rules_name_tables_by_the_models():
    assert queries.table("subdistrict") == Subdistrict._meta.db_table
    assert queries.table("lao_subdistricts") == LAO.subdistricts.through._meta.db_table
    source = (REPO / "gis_service" / "geography" / "queries.py").read_text()
    assert "geography_" not in source


@pytest.mark.parametrize(("lon", "srid"), [(99.9, UTM_47N), (101.999, UTM_47N), (102.0, UTM_48N), (102.1, UTM_48N)])
def test_the_utm_zone_follows_the_longitude(lon, srid):
    assert queries.utm_srid(lon) == srid
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {queries.utm_srid_sql('%s')}", [lon])
        assert cursor.fetchone()[0] == srid


def test_the_utm_zone_of_a_geometry_is_that_of_its_centroid():
    assert queries.utm_srid(Point(*BANGKOK, srid=4326)) == 32647
    assert queries.utm_srid(Subdistrict.objects.get(code="TH300101").geom) == 32648


def test_sites_near_the_zone_boundary_are_projected_into_both_zones():
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT z.srid, z.lon_min, z.lon_max FROM {queries.utm_zones_sql(1.0)} ORDER BY z.srid")
        assert cursor.fetchall() == [(32647, -180.0, 103.0), (32648, 101.0, 180.0)]


def test_buddhist_era_years_are_common_era_years_plus_543():
    assert to_buddhist_era(2024) == 2567
    assert to_common_era(2567) == 2024
    assert to_common_era(to_buddhist_era(2000)) == 2000


def test_status_transitions_name_every_status_and_no_other():
    assert set(ALLOWED_TRANSITIONS) == set(Status.values)
    assert set().union(*ALLOWED_TRANSITIONS.values()) <= set(Status.values)


def test_validation_does_not_import_the_models_it_validates():
    """models.py calls validation.py on every save, so validation.py may import the models only for type hints."""
    tree = ast.parse((REPO / "gis_service" / "programmes" / "validation.py").read_text())
    runtime_imports = [node.module for node in tree.body if isinstance(node, ast.ImportFrom)]
    assert "gis_service.programmes.models" not in runtime_imports
