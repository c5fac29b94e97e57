"""Layer data versions move on every kind of write, so caches keyed on them never go stale."""
import pytest
from django.db import connection

from gis_service.programmes.models import EwastePoint, GroundwaterBank, LocalRoad
from gis_service.programmes.registry import programme_models
from layers.versions import VERSION_SEQUENCE, table_versions, tables_without_trigger

WELLS = GroundwaterBank._meta.db_table
ROADS = LocalRoad._meta.db_table


def wells_version() -> int:
    return table_versions([WELLS])[WELLS]


def sequence_value() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_value FROM {VERSION_SEQUENCE}")
        return cursor.fetchone()[0]


@pytest.mark.django_db
def test_every_programme_table_has_a_version_trigger():
    tables = [model._meta.db_table for model in programme_models()]
    assert tables_without_trigger(tables) == []
    assert all(version > 0 for version in table_versions(tables).values())


@pytest.mark.django_db
def test_orm_save_moves_the_wells_version():
    before = wells_version()
    well = GroundwaterBank.objects.order_by("code").first()
    well.name_en = "Renamed by the version test"
    well.save()
    assert wells_version() > before


@pytest.mark.django_db
def test_queryset_update_moves_the_version_once_per_statement():
    codes = list(GroundwaterBank.objects.order_by("code").values_list("code", flat=True)[:3])
    before = wells_version()
    sequence_before = sequence_value()
    assert GroundwaterBank.objects.filter(code__in=codes).update(depth_m=12.5) == 3
    after = wells_version()
    assert after > before
    # Three rows, one statement: the trigger ran once, taking one number from the sequence.
    assert sequence_value() - sequence_before == 1
    assert after == sequence_value()


@pytest.mark.django_db
def test_raw_sql_insert_update_and_delete_each_move_the_version():
    seen = [wells_version()]
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {WELLS} SET name_en = name_en || ' (raw)' WHERE id = (SELECT min(id) FROM {WELLS})")
        seen.append(wells_version())
        cursor.execute(f"CREATE TEMP TABLE well_copy AS SELECT * FROM {WELLS} WHERE id = (SELECT min(id) FROM {WELLS})")
        cursor.execute(f"DELETE FROM {WELLS} WHERE id = (SELECT min(id) FROM {WELLS})")
        seen.append(wells_version())
        cursor.execute(f"INSERT INTO {WELLS} SELECT * FROM well_copy")
        seen.append(wells_version())
    assert seen == sorted(set(seen)), f"each statement must move the version: {seen}"


@pytest.mark.django_db
def test_a_write_to_one_layer_leaves_the_others_alone():
    before = table_versions([WELLS, ROADS, EwastePoint._meta.db_table])
    LocalRoad.objects.filter(pk=LocalRoad.objects.order_by("pk").values("pk")[:1]).update(trees_planted=7)
    after = table_versions([WELLS, ROADS, EwastePoint._meta.db_table])
    assert after[ROADS] > before[ROADS]
    assert after[WELLS] == before[WELLS]
    assert after[EwastePoint._meta.db_table] == before[EwastePoint._meta.db_table]


@pytest.mark.django_db
def test_versions_are_unique_across_layers():
    versions = table_versions(model._meta.db_table for model in programme_models())
    assert len(set(versions.values())) == len(versions)


@pytest.mark.django_db
def test_every_table_every_registered_layer_shows_has_a_version_trigger():
    from layers.registry import LAYERS
    from layers.versions import layer_tables

    tables = {table for layer in LAYERS for table in layer_tables(layer)}
    assert "geography_province" in tables
    assert tables_without_trigger(tables) == []


@pytest.mark.django_db
def test_layer_version_follows_the_tables_its_tiles_join_to():
    from gis_service.geography.models import Province
    from layers.versions import layer_version, layer_versions

    wells_before = layer_version("groundwater_banks")
    roads_before = layer_version("local_roads")
    GroundwaterBank.objects.filter(pk=GroundwaterBank.objects.order_by("pk").values("pk")[:1]).update(depth_m=3)
    assert layer_version("groundwater_banks") > wells_before
    assert layer_version("local_roads") == roads_before
    # Every programme tile carries its province code, so a province edit moves every programme layer.
    both_before = layer_versions(["groundwater_banks", "local_roads"])
    Province.objects.filter(code="TH30").update(name_en="Nakhon Ratchasima")
    both_after = layer_versions(["groundwater_banks", "local_roads"])
    assert all(both_after[key] > both_before[key] for key in both_before)


@pytest.mark.django_db
def test_versions_read_from_threads_taking_turns_each_on_its_own_connection():
    # gthread workers share one process: a statement prepared by one thread's session must not be
    # taken as prepared in another's (that gave "prepared statement ... does not exist" or "already exists").
    from tests.fieldwork.test_field_fast_paths import in_threads

    barrier = __import__("threading").Barrier(2)

    def read_three_times(n: int) -> list[int]:
        seen = []
        for _ in range(3):
            barrier.wait(timeout=30)
            seen.append(wells_version())
        return seen

    first, second = in_threads(read_three_times, 2)
    assert first == second and len(set(first)) == 1 and first[0] > 0
