"""The real boundaries: counts, codes and nesting; the generated LAO register."""
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


def test_generated_lao_register_covers_every_subdistrict_outside_bangkok():
    assert LAO.objects.filter(kind=LAO.Kind.PROVINCIAL).count() == 76
    assert LAO.objects.filter(kind=LAO.Kind.BANGKOK).count() == 1
    assert LAO.objects.filter(kind=LAO.Kind.PATTAYA).count() == 1
    assert not LAO.objects.filter(generated=False).exists()
    local = LAO.objects.exclude(kind__in=[LAO.Kind.PROVINCIAL, LAO.Kind.BANGKOK])
    uncovered = Subdistrict.objects.exclude(province__code="TH10").exclude(laos__in=local)
    assert uncovered.count() == 0
    twice = Subdistrict.objects.raw(
        "SELECT s.id FROM geography_subdistrict s JOIN geography_lao_subdistricts m ON m.subdistrict_id = s.id "
        "JOIN geography_lao l ON l.id = m.lao_id WHERE l.kind NOT IN ('pao', 'bangkok') GROUP BY s.id HAVING count(*) > 1"  # noqa: E501
    )
    assert list(twice) == []


def test_lao_office_lies_in_the_area_it_serves():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM geography_lao WHERE NOT ST_Covers(area, office_location)")
        assert cursor.fetchone()[0] == 0


def test_load_boundaries_twice_changes_nothing(django_db_blocker):
    from django.core.management import call_command

    before = Subdistrict.objects.count(), list(Subdistrict.objects.order_by("id").values_list("id", flat=True)[:5])
    call_command("load_boundaries", verbosity=0)
    call_command("generate_laos", verbosity=0)
    after = Subdistrict.objects.count(), list(Subdistrict.objects.order_by("id").values_list("id", flat=True)[:5])
    assert before == after
    assert LAO.objects.count() == 7332
