"""The generated national dataset: exact counts, real places, geodesic road lengths, replaceable."""
import pytest
from django.core.management import call_command
from django.db import connection

from gis_service.geography.models import Province
from gis_service.programmes.models import (
    EwasteCollection,
    EwastePoint,
    GroundwaterBank,
    LocalRoad,
    Playground,
    ReadingPlace,
    Source,
)
from gis_service.programmes.registry import PROGRAMMES

pytestmark = [pytest.mark.django_db, pytest.mark.national]

TABLES = [programme.model._meta.db_table for programme in PROGRAMMES]


def scalar(sql: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()[0]


def test_exact_programme_counts():
    assert GroundwaterBank.objects.filter(source=Source.GENERATED).count() == 10_801
    assert LocalRoad.objects.filter(source=Source.GENERATED).count() == 7_070
    assert Playground.objects.filter(source=Source.GENERATED).count() == 2_419
    assert EwastePoint.objects.filter(source=Source.GENERATED).count() == 1_000
    assert ReadingPlace.objects.filter(source=Source.GENERATED).count() == 9_102
    assert EwasteCollection.objects.count() > 1_000


def test_every_province_outside_bangkok_has_wells_and_bangkok_has_no_sites():
    with_wells = set(GroundwaterBank.objects.values_list("subdistrict__province__code", flat=True).distinct())
    assert with_wells == set(Province.objects.exclude(code="TH10").values_list("code", flat=True))
    for table in TABLES:
        assert scalar(
            f"SELECT count(*) FROM {table} t JOIN geography_province p ON ST_Intersects(p.geom, t.geom) "
            "WHERE p.code = 'TH10'"
        ) == 0


@pytest.mark.parametrize("table", ["programmes_groundwaterbank", "programmes_playground", "programmes_ewastepoint"])
def test_every_generated_point_lies_in_the_subdistrict_it_records(table):
    assert scalar(
        f"SELECT count(*) FROM {table} t JOIN geography_subdistrict s ON s.id = t.subdistrict_id "
        "WHERE NOT ST_Covers(s.geom, t.geom)"
    ) == 0


def test_every_road_lies_in_thailand_and_records_the_subdistrict_holding_most_of_it():
    assert scalar(
        "SELECT count(*) FROM programmes_localroad r JOIN geography_subdistrict s ON s.id = r.subdistrict_id "
        "WHERE NOT ST_Intersects(s.geom, r.geom)"
    ) == 0
    wrong = scalar(
        "SELECT count(*) FROM programmes_localroad r CROSS JOIN LATERAL ("
        "  SELECT s.id FROM geography_subdistrict s WHERE ST_Intersects(s.geom, r.geom)"
        "  ORDER BY ST_Length(ST_Intersection(s.geom, r.geom)::geography) DESC, s.code LIMIT 1) best "
        "WHERE best.id <> r.subdistrict_id"
    )
    assert wrong == 0


def test_road_length_equals_the_geodesic_length_within_a_tenth_of_a_percent():
    worst = scalar(
        "SELECT max(abs(length_m - ST_Length(geom::geography, true)) / ST_Length(geom::geography, true)) "
        "FROM programmes_localroad"
    )
    assert worst < 0.001
    assert scalar("SELECT min(length_m) FROM programmes_localroad WHERE source = 'generated'") >= 500
    assert scalar("SELECT max(length_m) FROM programmes_localroad WHERE source = 'generated'") <= 5000


def test_generated_sites_have_realistic_years_and_statuses():
    years = set(GroundwaterBank.objects.values_list("programme_year", flat=True).distinct())
    assert min(years) == 2017 and max(years) == 2025
    statuses = dict(
        GroundwaterBank.objects.values_list("status").annotate(n=__import__("django.db.models").db.models.Count("id"))
    )
    assert statuses["operational"] > statuses["needs_repair"] > 0
    assert set(statuses) == {"planned", "under_construction", "operational", "needs_repair", "decommissioned"}


@pytest.mark.slow  # regenerates the national dataset twice (about 50 s)
def test_generation_is_deterministic_and_replaces_only_generated_records():
    from tests.programmes.test_site_validation import new_well

    mine = new_well()
    mine.save()
    before = scalar("SELECT md5(string_agg(code || ST_AsText(geom) || status, ',' ORDER BY code)) "
                    "FROM programmes_groundwaterbank WHERE source = 'generated'")
    call_command("generate_national_dataset", seed=42, scale=0.05, verbosity=0)
    assert GroundwaterBank.objects.filter(source=Source.GENERATED).count() == 540
    assert GroundwaterBank.objects.filter(pk=mine.pk).exists()
    call_command("generate_national_dataset", seed=42, scale=1, verbosity=0)
    after = scalar("SELECT md5(string_agg(code || ST_AsText(geom) || status, ',' ORDER BY code)) "
                   "FROM programmes_groundwaterbank WHERE source = 'generated'")
    assert after == before
    assert GroundwaterBank.objects.filter(pk=mine.pk).exists()
