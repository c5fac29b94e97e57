"""An installation made before the register (generated LAOs, sites, officers and submissions referring to them)
moves onto the DLA register with no row lost, duplicated or left pointing at nothing."""
import pytest
from django.core.management import call_command
from django.db import connection
from rest_framework.test import APIClient

from gis_service.accounts.models import LaoMembership
from gis_service.fieldwork.models import Submission
from gis_service.geography import queries
from gis_service.geography.lao_succession import NoSuccessor, references, retire_generated_laos
from gis_service.geography.laos import generate_laos
from gis_service.geography.models import LAO
from gis_service.programmes.registry import PROGRAMMES
from tests.conftest import SMALL_PROVINCES
from tests.fieldwork.test_field_support import make_officer, well_payload

pytestmark = pytest.mark.django_db


def scalar(sql: str, params=None):
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])
        return cursor.fetchone()[0]


def reference_counts() -> dict[str, int]:
    """Rows per table that refer to an LAO, and how many of them point at no LAO at all."""
    counts = {}
    for model, field in references():
        db_table, column = model._meta.db_table, field.column
        counts[db_table] = scalar(f"SELECT count(*) FROM {db_table} WHERE {column} IS NOT NULL")
        counts[f"{db_table} pointing at nothing"] = scalar(
            f"SELECT count(*) FROM {db_table} t WHERE t.{column} IS NOT NULL"
            f" AND NOT EXISTS (SELECT 1 FROM geography_lao l WHERE l.id = t.{column})")
    return counts


def move_to_generated_laos() -> None:
    """Make the database look as an installation before the register did: everything on generated LAOs."""
    generate_laos()
    for programme in PROGRAMMES:
        db_table = programme.model._meta.db_table
        with connection.cursor() as cursor:
            # A site of a provincial LAO goes to the generated PAO of its province, any other to the generated
            # LAO of its subdistrict.
            cursor.execute(
                f"UPDATE {db_table} t SET lao_id = g.id FROM geography_lao old, geography_subdistrict s,"
                " geography_lao g JOIN geography_lao_subdistricts gs ON gs.lao_id = g.id"
                " WHERE old.id = t.lao_id AND s.id = t.subdistrict_id AND g.generated AND gs.subdistrict_id = s.id"
                " AND (g.kind = 'pao') = (old.kind = 'pao')")


def test_generated_laos_give_way_to_the_register_with_nothing_lost(db):
    user, token = make_officer("succession-officer")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post("/api/field/submissions", well_payload(), format="json").status_code == 201
    city = LAO.objects.get(code="3300102")  # Nakhon Ratchasima City Municipality, serving the officer's spot
    assert list(user.lao_memberships.values_list("lao__code", flat=True)) == [city.code]

    move_to_generated_laos()
    LaoMembership.objects.filter(user=user).update(lao=LAO.objects.get(code="LAO-300101"))
    LaoMembership.objects.create(user=user, lao=LAO.objects.get(code="PAO-30"))
    Submission.objects.filter(officer=user).update(lao=LAO.objects.get(code="LAO-300101"))
    pao_sites = {p.id: set(p.model.objects.filter(lao__kind="pao").values_list("id", flat=True)) for p in PROGRAMMES}
    assert all(pao_sites.values()) and not LAO.objects.filter(generated=False, id__in=[
        lao_id for p in PROGRAMMES for lao_id in p.model.objects.values_list("lao_id", flat=True)]).exists()
    before = reference_counts()

    call_command("load_lao_register", province=SMALL_PROVINCES, verbosity=0)

    assert not LAO.objects.filter(generated=True).exists()
    assert reference_counts() == before, "every row kept, none pointing at nothing"
    for programme in PROGRAMMES:
        model = programme.model
        wrong = scalar(f"SELECT count(*) FROM {model._meta.db_table} t WHERE t.lao_id NOT IN "
                       f"({queries.laos_serving_subdistrict_sql('t.subdistrict_id')})")
        assert wrong == 0, f"{programme.id}: every site's LAO serves where it lies"
        assert set(model.objects.filter(lao__kind="pao").values_list("id", flat=True)) == pao_sites[programme.id]
    assert sorted(user.lao_memberships.values_list("lao__code", flat=True)) == ["2300101", "3300102"]
    assert list(Submission.objects.filter(officer=user).values_list("lao__code", flat=True)) == ["3300102"]


def test_two_memberships_that_meet_in_one_register_lao_become_one(db):
    user, _ = make_officer("succession-twice")
    generate_laos()
    LaoMembership.objects.filter(user=user).update(lao=LAO.objects.get(code="LAO-300101"))
    LaoMembership.objects.create(user=user, lao=LAO.objects.get(code="3300102"))
    call_command("load_lao_register", province=SMALL_PROVINCES, verbosity=0)
    assert list(user.lao_memberships.values_list("lao__code", flat=True)) == ["3300102"]


def test_a_generated_lao_without_a_successor_refuses_the_move_and_changes_nothing(db):
    user, _ = make_officer("succession-orphan")
    generate_laos()
    LaoMembership.objects.filter(user=user).update(lao=LAO.objects.get(code="LAO-300101"))
    # No register LAO serves the officer's subdistrict any more (but its province's).
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM geography_lao_subdistricts ls USING geography_lao l, geography_subdistrict s"
                       " WHERE l.id = ls.lao_id AND s.id = ls.subdistrict_id AND s.code = 'TH300101'"
                       " AND NOT l.generated AND l.kind <> 'pao'")
    with pytest.raises(NoSuccessor, match="LAO-300101.*Nothing was changed"):
        retire_generated_laos()
    assert LAO.objects.filter(generated=True).exists()
    assert list(user.lao_memberships.values_list("lao__code", flat=True)) == ["LAO-300101"]
