"""The real boundaries: counts, codes and nesting; the LAOs are the DLA register's."""
import pytest
from django.db import connection

from gis_service.geography.models import LAO, District, Province, Subdistrict

pytestmark = [pytest.mark.django_db, pytest.mark.national]


def test_boundary_counts_match_the_official_levels():
    assert Province.objects.count() == 77
    assert District.objects.count() == 928
    assert Subdistrict.objects.count() == 7425


def test_codes_follow_the_official_pattern_and_names_are_bilingual():
    assert Province.objects.get(code="TH10").name_th == "กรุงเทพมหานคร"
    assert Province.objects.get(code="TH30").name_en == "Nakhon Ratchasima"
    assert not Subdistrict.objects.exclude(code__regex=r"^TH\d{6}$").exists()
    assert not District.objects.exclude(code__regex=r"^TH\d{4}$").exists()
    assert not Subdistrict.objects.filter(name_th="").exists()
    assert not Subdistrict.objects.filter(name_en="").exists()


def test_codes_nest_in_their_parents():
    mismatched = Subdistrict.objects.raw(
        "SELECT s.id FROM geography_subdistrict s JOIN geography_district d ON d.id = s.district_id "
        "JOIN geography_province p ON p.id = s.province_id "
        "WHERE left(s.code, 6) <> d.code OR left(s.code, 4) <> p.code OR d.province_id <> s.province_id"
    )
    assert list(mismatched) == []


def test_every_subdistrict_lies_inside_its_district_and_province():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM geography_subdistrict s "
            "JOIN geography_district d ON d.id = s.district_id JOIN geography_province p ON p.id = s.province_id "
            "WHERE NOT ST_Covers(d.geom, ST_PointOnSurface(s.geom)) OR NOT ST_Covers(p.geom, ST_PointOnSurface(s.geom)) "  # noqa: E501
            "OR ST_Area(ST_Difference(s.geom, d.geom)::geography) > 0.001 * ST_Area(s.geom::geography)"
        )
        assert cursor.fetchone()[0] == 0


def test_bangkok_district_names_carry_the_khet_prefix():
    assert not District.objects.filter(province__code="TH10").exclude(name_th__startswith="เขต").exists()


def test_the_laos_are_the_dla_register_alone():
    assert not LAO.objects.filter(generated=True).exists(), "no generated LAO is left"
    assert LAO.objects.count() == 7850, "the DLA's 7,849 and Bangkok"
    assert LAO.objects.filter(kind=LAO.Kind.PROVINCIAL).count() == 76
    assert LAO.objects.filter(kind=LAO.Kind.BANGKOK).count() == 1
    assert LAO.objects.filter(kind=LAO.Kind.PATTAYA).count() == 1


def test_an_lao_area_is_the_union_of_the_subdistricts_it_serves():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM geography_lao l WHERE l.area IS NOT NULL AND abs(ST_Area(l.area::geography) - "
            "(SELECT ST_Area(ST_Union(s.geom)::geography) FROM geography_lao_subdistricts ls"
            "  JOIN geography_subdistrict s ON s.id = ls.subdistrict_id WHERE ls.lao_id = l.id))"
            " > 0.001 * ST_Area(l.area::geography)")
        assert cursor.fetchone()[0] == 0


def test_load_boundaries_twice_changes_nothing(django_db_blocker):
    from django.core.management import call_command

    before = Subdistrict.objects.count(), list(Subdistrict.objects.order_by("id").values_list("id", flat=True)[:5])
    call_command("load_boundaries", verbosity=0)
    call_command("load_lao_register", verbosity=0)
    after = Subdistrict.objects.count(), list(Subdistrict.objects.order_by("id").values_list("id", flat=True)[:5])
    assert before == after
    assert LAO.objects.count() == 7850
