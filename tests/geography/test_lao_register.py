"""The DLA's LAO register: the only LAOs, served areas by the rules, names found, reloads safe.

The suite's database is set up with the register (tests/conftest.py); this module's reloads run inside a
transaction rolled back at its end, so the rest of the suite sees the register as set-up loads it.
"""
import csv
import random
from collections import Counter
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.db.models import Count

from gis_service.geography.lao_names import find_laos
from gis_service.geography.lao_register import REGISTER_FILE
from gis_service.geography.models import LAO, LAOSubdistrict, Subdistrict
from gis_service.geography.queries import laos_serving_point

pytestmark = pytest.mark.national

FILE_ROWS = list(csv.DictReader(REGISTER_FILE.open(encoding="utf-8")))
HEADER = list(FILE_ROWS[0])
KIND_OF_TYPE = {"อบต.": "sao", "เทศบาลตำบล": "subdistrict_municipality", "เทศบาลเมือง": "town_municipality",
                "เทศบาลนคร": "city_municipality", "อบจ.": "pao", "ท้องถิ่นรูปแบบพิเศษ": "pattaya",
                "กรุงเทพมหานคร": "bangkok"}
ABBREVIATION = {"sao": "อบต.", "subdistrict_municipality": "ทต.", "town_municipality": "ทม.",
                "city_municipality": "ทน.", "pao": "อบจ."}
LOCAL = ["sao", "subdistrict_municipality", "town_municipality", "city_municipality", "pattaya"]


@pytest.fixture(scope="module")
def register(django_db_setup, django_db_blocker):
    """The real register (re)loaded, undone at the end of this module."""
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("load_lao_register", verbosity=0)
            try:
                yield
            finally:
                transaction.set_rollback(True)


def write_register(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER)
        writer.writeheader()
        writer.writerows(rows)
    return path


def fingerprint() -> str:
    """One hash of every register LAO and every served-area row: equal before and after means nothing changed."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT md5(string_agg(concat_ws('|', l.code, l.name_th, l.full_name_th, l.kind, l.active,"
            " l.district_id, ST_AsText(l.office_location)), ',' ORDER BY l.code)) FROM geography_lao l"
            " WHERE NOT l.generated")
        laos = cursor.fetchone()[0]
        cursor.execute(
            "SELECT md5(string_agg(concat_ws('|', ls.lao_id, ls.subdistrict_id, ls.method, ls.approximate),"
            " ',' ORDER BY ls.lao_id, ls.subdistrict_id)) FROM geography_lao_subdistricts ls")
        return laos + cursor.fetchone()[0]


def test_counts_by_type_equal_the_file(register, db):
    in_file = Counter(KIND_OF_TYPE[row["type"]] for row in FILE_ROWS)
    loaded = Counter(LAO.objects.filter(generated=False).values_list("kind", flat=True))
    assert loaded == in_file
    assert loaded == {"sao": 5300, "subdistrict_municipality": 2247, "town_municipality": 195,
                      "city_municipality": 30, "pao": 76, "pattaya": 1, "bangkok": 1}
    assert not LAO.objects.filter(generated=True).exists(), "the generated LAOs are gone"


def test_every_subdistrict_outside_bangkok_has_its_pao_and_a_local_lao(register, db):
    outside = Subdistrict.objects.exclude(province__code="TH10")
    served = LAOSubdistrict.objects.filter(lao__generated=False, lao__active=True)
    with_pao = set(served.filter(lao__kind="pao").values_list("subdistrict_id", "lao__province_id"))
    with_local = set(served.filter(lao__kind__in=LOCAL).values_list("subdistrict_id", flat=True))
    missing_pao = [code for pk, province_id, code in outside.values_list("id", "province_id", "code")
                   if (pk, province_id) not in with_pao]
    missing_local = [code for pk, code in outside.values_list("id", "code") if pk not in with_local]
    assert missing_pao == [] and missing_local == []
    bangkok = Subdistrict.objects.filter(province__code="TH10").count()
    assert served.filter(lao__kind="bangkok").count() == bangkok == 169


def test_served_rows_say_how_they_were_derived(register, db):
    rows = LAOSubdistrict.objects.filter(lao__generated=False)
    methods = set(rows.values_list("method", flat=True))
    assert {"name_match", "office_point", "office_neighbour", "province", "bangkok"} <= methods
    assert not rows.filter(method="office_neighbour", approximate=False).exists()
    # A subdistrict municipality and an SAO of the same name share their subdistrict.
    shared = (rows.filter(lao__kind__in=LOCAL).values("subdistrict_id").annotate(n=Count("lao")).filter(n__gt=1))
    assert shared.count() > 400
    chiang_mai_city = LAO.objects.get(code="3500102")
    assert chiang_mai_city.served_areas.filter(approximate=True).exists()
    assert chiang_mai_city.area is not None


def test_thirty_names_from_the_register_resolve_to_their_codes(register, db):
    identity = Counter((row["type"], row["district_code"], row["name_th"]) for row in FILE_ROWS)
    candidates = [row for row in FILE_ROWS if KIND_OF_TYPE[row["type"]] in ABBREVIATION
                  and identity[(row["type"], row["district_code"], row["name_th"])] == 1]
    sample = random.Random(17).sample(candidates, 30)
    for number, row in enumerate(sample):
        kind, name, full = KIND_OF_TYPE[row["type"]], row["name_th"], row["full_name_th"]
        spelled_prefix = full[: len(full) - len(name)]
        written = [f"{ABBREVIATION[kind]}{name}", f"{ABBREVIATION[kind]} {name}", f"{ABBREVIATION[kind]}   {name}",
                   full, f"{spelled_prefix} {name}", f" {spelled_prefix}\u200b{name} "][number % 6:][:3]
        for text in written:
            found = [lao.code for lao in find_laos(text, district=f"TH{row['district_code']}")]
            assert found == [row["lao_code"]], (text, found)
            assert row["lao_code"] in [lao.code for lao in find_laos(text, province=row["province_th"])], text
        bare = [lao.code for lao in find_laos(name, district=row["district_code"])]
        assert row["lao_code"] in bare, (name, bare)
        assert [lao.code for lao in find_laos(row["lao_code"])] == [row["lao_code"]]


def test_special_names_and_types(register, db):
    assert [lao.code for lao in find_laos("กทม.")] == ["BMA"]
    assert [lao.kind for lao in find_laos("เมืองพัทยา")] == ["pattaya"]
    # Without a prefix, a province's name means its อบจ. and its city municipality alike.
    assert {lao.kind for lao in find_laos("เชียงใหม่", province="TH50")} == {"pao", "city_municipality"}
    assert [lao.code for lao in find_laos("ทน.เชียงใหม่")] == ["3500102"]
    assert find_laos("อบต.ไม่มีที่นี่") == []


def test_which_register_laos_serve_a_point(register, db):
    # The Three Kings Monument, old Chiang Mai (Si Phum): its city municipality and its province's อบจ.
    served = laos_serving_point(98.9870, 18.7900)
    codes = [LAO.objects.get(id=lao_id).code for lao_id in served]
    assert codes[0] == "3500102" and codes[-1] == "2500101", "local first, the province's last"
    assert laos_serving_point(90.0, 10.0) == []


def test_reloading_the_same_file_changes_nothing(register, db, capsys):
    before = fingerprint()
    call_command("load_lao_register", verbosity=1)
    assert "already up to date" in capsys.readouterr().out
    assert fingerprint() == before


def test_a_bad_file_is_refused_with_its_rows_named_and_nothing_changes(register, db, tmp_path):
    rows = [dict(row) for row in FILE_ROWS]
    rows.append(dict(rows[10]))  # a duplicate of line 12's code
    rows[20]["province_code"] = "99"  # line 22
    rows[30]["lat"] = "north"  # line 32
    rows[40]["lao_code"] = "64001"  # line 42
    rows[50]["name_th"] = "ชื่อใหม่"  # a change that must not be applied
    bad = write_register(tmp_path / "bad.csv", rows)
    with bad.open("a", encoding="utf-8") as handle:
        handle.write("6999999,สั้น\n")  # a row with two fields
    before = fingerprint()
    with pytest.raises(CommandError) as refused:
        call_command("load_lao_register", file=bad, verbosity=0)
    message = str(refused.value)
    assert "nothing was changed" in message
    assert f"duplicate code {rows[10]['lao_code']} (also on line 12)" in message
    assert "line 22" in message and "unknown province_code '99'" in message
    assert "line 32" in message and "is not a number" in message
    assert "line 42" in message and "not 7 digits" in message
    assert f"line {len(rows) + 2}: wrong number of fields" in message
    assert fingerprint() == before


def test_a_changed_code_is_refused(register, db, tmp_path):
    rows = [dict(row) for row in FILE_ROWS]
    old_code = rows[100]["lao_code"]
    rows[100]["lao_code"] = "6999999"
    before = fingerprint()
    with pytest.raises(CommandError, match=f"was {old_code} and is now 6999999: a changed code"):
        call_command("load_lao_register", file=write_register(tmp_path / "changed.csv", rows), verbosity=0)
    assert fingerprint() == before


def test_an_lao_gone_from_a_newer_file_becomes_inactive_and_its_area_stays_served(register, db, tmp_path):
    gone = next(row for row in FILE_ROWS if row["type"] == "อบต." and row["subdistrict_code"])
    rows = [row for row in FILE_ROWS if row is not gone]
    call_command("load_lao_register", file=write_register(tmp_path / "newer.csv", rows), verbosity=0)
    lao = LAO.objects.get(code=gone["lao_code"])
    assert lao.active is False and lao.served_areas.exists(), "kept, never deleted"
    assert LAO.objects.filter(generated=False, active=False).count() == 1
    assert laos_serving_point(*_inside(gone["subdistrict_code"])), "its subdistrict is still served"
    assert lao.id not in laos_serving_point(*_inside(gone["subdistrict_code"]))
    # Listed again, it is active again.
    call_command("load_lao_register", verbosity=0)
    assert LAO.objects.get(code=gone["lao_code"]).active is True


def test_an_administrators_row_survives_a_reload(register, db):
    lao = LAO.objects.get(code="3500102")
    neighbour = Subdistrict.objects.get(code="TH500102")
    LAOSubdistrict.objects.update_or_create(lao=lao, subdistrict=neighbour,
                                            defaults={"method": "administrator", "note": "checked with the city"})
    call_command("load_lao_register", verbosity=0)
    row = LAOSubdistrict.objects.get(lao=lao, subdistrict=neighbour)
    assert row.method == "administrator" and row.history.exists()


def _inside(subdistrict_code: str) -> tuple[float, float]:
    point = Subdistrict.objects.get(code=f"TH{subdistrict_code}").geom.point_on_surface
    return point.x, point.y

