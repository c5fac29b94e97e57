"""The DLA's register of LAOs (fixtures/thailand/lao/lao_th.csv): read, checked as a whole, then applied at once.

Codes are the key. A reload updates names, types and offices, marks LAOs the file no longer lists inactive (never
deletes them) and re-derives the served area only of LAOs whose name match, office or district changed, so an
administrator's corrections stand. Any problem in the file refuses all of it: nothing is half-applied.
"""
import csv
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.gis.geos import Point
from django.db import transaction

from gis_service.geography import lao_served_areas
from gis_service.geography.constants import WGS84
from gis_service.geography.models import LAO, District, Province, Subdistrict

REGISTER_FILE = Path(settings.BASE_DIR) / "fixtures" / "thailand" / "lao" / "lao_th.csv"
# Bangkok is outside the DLA register and has no DLA code; the generated register's is BMA-10.
BANGKOK_REGISTER_CODE = "BMA"
COLUMNS = ("lao_code", "name_th", "full_name_th", "type", "province_code", "district_code", "subdistrict_code",
           "office_house_no", "office_moo", "office_postcode", "area_km2", "lat", "lon", "website")
KIND_OF_TYPE = {
    "อบจ.": LAO.Kind.PROVINCIAL, "เทศบาลนคร": LAO.Kind.CITY_MUNICIPALITY, "เทศบาลเมือง": LAO.Kind.TOWN_MUNICIPALITY,
    "เทศบาลตำบล": LAO.Kind.SUBDISTRICT_MUNICIPALITY, "อบต.": LAO.Kind.SAO, "กรุงเทพมหานคร": LAO.Kind.BANGKOK,
    "ท้องถิ่นรูปแบบพิเศษ": LAO.Kind.PATTAYA,
}
ENGLISH_SUFFIX = {
    LAO.Kind.CITY_MUNICIPALITY: "City Municipality", LAO.Kind.TOWN_MUNICIPALITY: "Town Municipality",
    LAO.Kind.SUBDISTRICT_MUNICIPALITY: "Subdistrict Municipality",
    LAO.Kind.SAO: "Subdistrict Administrative Organisation",
    LAO.Kind.PROVINCIAL: "Provincial Administrative Organisation",
}
CODE_PATTERN = re.compile(r"^\d{7}$")
# Fields a reload compares; the last four are what a served area is derived from.
COMPARED = ("name_th", "name_en", "full_name_th", "kind", "province_id", "office_house_no", "office_moo",
            "office_postcode", "website", "area_km2", "active", "district_id", "name_match_subdistrict_id",
            "office_location")
DERIVED_FROM = ("kind", "district_id", "name_match_subdistrict_id", "office_location")


class RegisterRefused(Exception):
    """The file has problems; `problems` names each row and what to fix. Nothing was changed."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(f"The LAO register was refused ({len(problems)} problems); nothing was changed:\n"
                         + "\n".join(problems))


@dataclass
class RegisterRow:
    """One LAO as the file gives it, its codes resolved to database ids."""

    line: int
    values: dict
    office: Point | None


@dataclass
class LoadReport:
    """What a load did, and what in the file it could not use."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deactivated: list[str] = field(default_factory=list)
    served_added: int = 0
    served_removed: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def changed_anything(self) -> bool:
        return bool(self.created or self.updated or self.deactivated or self.served_added or self.served_removed)


class _Places:
    """The boundaries' codes, names and ids the register refers to."""

    def __init__(self):
        self.provinces = {code: (pk, name_th, name_en) for pk, code, name_th, name_en
                          in Province.objects.values_list("id", "code", "name_th", "name_en")}
        self.districts = {code: (pk, province_id) for pk, code, province_id
                          in District.objects.values_list("id", "code", "province_id")}
        self.subdistricts = {code: (pk, name_th, name_en) for pk, code, name_th, name_en
                             in Subdistrict.objects.values_list("id", "code", "name_th", "name_en")}


def _number(text: str) -> float | None:
    return float(text) if text.strip() else None


def _english_name(kind: str, name_th: str, matched: tuple | None, province: tuple) -> str:
    """An English name where the boundaries know the place's transliteration, else ''."""
    if kind == LAO.Kind.BANGKOK:
        return "Bangkok Metropolitan Administration"
    if kind == LAO.Kind.PATTAYA:
        return "Pattaya City"
    if kind == LAO.Kind.PROVINCIAL or name_th == province[1]:
        place_en = province[2]
    elif matched and matched[1] == name_th:
        place_en = matched[2]
    else:
        return ""
    return f"{place_en} {ENGLISH_SUFFIX[kind]}"


def _parse_row(line: int, raw: dict, places: _Places, problems: list[str], warnings: list[str]) -> RegisterRow | None:
    """One row checked and resolved; None (with its problems recorded) when it cannot be used."""
    where = f"line {line}"
    if None in raw or any(raw.get(column) is None for column in COLUMNS):
        problems.append(f"{where}: wrong number of fields (expected the header's {len(raw) - (None in raw)})")
        return None
    row = {key: (value or "").strip() for key, value in raw.items()}
    kind = KIND_OF_TYPE.get(row["type"])
    code = row["lao_code"] or (BANGKOK_REGISTER_CODE if kind == LAO.Kind.BANGKOK else "")
    where = f"line {line} ({code or 'no code'} {row['name_th']})"
    errors = []
    if kind is None:
        errors.append(f"unknown type {row['type']!r} (one of {', '.join(KIND_OF_TYPE)})")
    if code != BANGKOK_REGISTER_CODE and not CODE_PATTERN.match(code):
        errors.append(f"lao_code {row['lao_code']!r} is not 7 digits")
    if not row["name_th"]:
        errors.append("name_th is empty")
    province = places.provinces.get(f"TH{row['province_code']}")
    if province is None:
        errors.append(f"unknown province_code {row['province_code']!r}")
    district = places.districts.get(f"TH{row['district_code']}") if row["district_code"] else None
    if row["district_code"] and (district is None or (province and district[1] != province[0])):
        errors.append(f"district_code {row['district_code']!r} is not a district of province {row['province_code']!r}")
    if not row["district_code"] and kind not in (LAO.Kind.BANGKOK, None):
        errors.append("district_code is empty")
    try:
        lat, lon, area_km2 = _number(row["lat"]), _number(row["lon"]), _number(row["area_km2"])
    except ValueError:
        errors.append(f"lat {row['lat']!r}, lon {row['lon']!r} or area_km2 {row['area_km2']!r} is not a number")
        lat = lon = area_km2 = None
    if errors:
        problems.append(f"{where}: " + "; ".join(errors))
        return None
    office = None
    if lat is not None and lon is not None and 5 <= lat <= 21 and 97 <= lon <= 106:
        office = Point(lon, lat, srid=WGS84)
    elif lat is not None or lon is not None:
        warnings.append(f"{where}: office point ({row['lat'] or '?'}, {row['lon'] or '?'}) incomplete or outside "
                        "Thailand; kept without one")
    matched = places.subdistricts.get(f"TH{row['subdistrict_code']}") if row["subdistrict_code"] else None
    if row["subdistrict_code"] and matched is None:
        warnings.append(f"{where}: subdistrict_code {row['subdistrict_code']} is not in the boundaries; name match "
                        "not used")
    values = {
        "code": code, "name_th": row["name_th"], "full_name_th": row["full_name_th"] or row["name_th"], "kind": kind,
        "name_en": _english_name(kind, row["name_th"], matched, province),
        "province_id": province[0], "district_id": district[0] if district else None,
        "name_match_subdistrict_id": matched[0] if matched and kind not in lao_served_areas.AREA_KINDS else None,
        "office_house_no": row["office_house_no"][:20], "office_moo": row["office_moo"][:10],
        "office_postcode": row["office_postcode"][:5], "website": row["website"][:200], "area_km2": area_km2,
        "active": True, "generated": False,
    }
    return RegisterRow(line, values, office)


def read_register(path: Path, places: _Places, provinces: Collection[str] | None = None
                  ) -> tuple[list[RegisterRow], list[str]]:
    """Every row of the file (of `provinces` only, codes such as TH30, when given), checked; raises RegisterRefused
    naming every bad row."""
    problems: list[str] = []
    warnings: list[str] = []
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [column for column in COLUMNS if column not in (reader.fieldnames or [])]
            if missing:
                raise RegisterRefused([f"{path}: the header lacks {', '.join(missing)}"])
            rows = [_parse_row(line, raw, places, problems, warnings) for line, raw in enumerate(reader, start=2)
                    if provinces is None or f"TH{(raw.get('province_code') or '').strip()}" in provinces]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise RegisterRefused([f"{path}: cannot be read as a UTF-8 CSV file ({exc})"]) from exc
    rows = [row for row in rows if row is not None]
    first_line: dict[str, int] = {}
    for row in rows:
        code = row.values["code"]
        if code in first_line:
            problems.append(f"line {row.line}: duplicate code {code} (also on line {first_line[code]})")
        first_line.setdefault(code, row.line)
    if not rows and not problems:
        problems.append(f"{path}: no LAOs in the file")
    if problems:
        raise RegisterRefused(problems)
    return rows, warnings


def _changed_codes(rows: list[RegisterRow], existing: dict[str, dict]) -> list[str]:
    """Problems for LAOs that the file lists again under another code (same type, district and name)."""
    listed = {row.values["code"] for row in rows}
    gone = {(lao["kind"], lao["district_id"], lao["name_th"]): code for code, lao in existing.items()
            if code not in listed and lao["active"]}
    problems = []
    for row in rows:
        old_code = gone.get((row.values["kind"], row.values["district_id"], row.values["name_th"]))
        if old_code and row.values["code"] not in existing:
            problems.append(f"line {row.line}: {row.values['full_name_th']} was {old_code} and is now "
                            f"{row.values['code']}: a changed code. Codes are the key; change it in the database "
                            "first (and everything that refers to it) or restore the old code in the file")
    return problems


def register_present() -> bool:
    """True when LAOs of the DLA register are in the database."""
    return LAO.objects.filter(generated=False).exists()


def _existing(provinces: Collection[str] | None = None) -> dict[str, dict]:
    """The register's LAOs already in the database (of `provinces` only, when given), by code, with the fields a
    reload compares."""
    laos = LAO.objects.filter(generated=False)
    if provinces is not None:
        laos = laos.filter(province__code__in=provinces)
    return {lao["code"]: lao for lao in laos.values("id", "code", *COMPARED)}


def _differs(row: RegisterRow, stored: dict, fields: tuple[str, ...]) -> bool:
    for name in fields:
        new = row.office if name == "office_location" else row.values[name]
        old = stored[name]
        if name == "office_location":
            if (new is None) != (old is None) or (new is not None and not new.equals_exact(old, 1e-9)):
                return True
        elif new != old:
            return True
    return False


def load_register(path: Path = REGISTER_FILE, provinces: Collection[str] | None = None) -> LoadReport:
    """Load or reload the register from `path` in one transaction; raises RegisterRefused on bad input.

    With `provinces` (codes such as TH30), only their LAOs are read and compared: the rest of the file and of the
    database is left alone (a database holding only some provinces' boundaries, such as the tests' small one).
    """
    places = _Places()
    rows, warnings = read_register(path, places, provinces)
    report = LoadReport(warnings=warnings)
    with transaction.atomic():
        existing = _existing(provinces)
        problems = _changed_codes(rows, existing)
        if problems:
            raise RegisterRefused(problems)
        new, changed, rederive = [], [], set()
        for row in rows:
            stored = existing.get(row.values["code"])
            if stored is None:
                new.append(LAO(**row.values, office_location=row.office))
            elif _differs(row, stored, COMPARED):
                changed.append(LAO(id=stored["id"], **row.values, office_location=row.office))
                if _differs(row, stored, DERIVED_FROM):
                    rederive.add(stored["id"])
            else:
                report.unchanged += 1
        LAO.objects.bulk_create(new, batch_size=1000)
        LAO.objects.bulk_update(changed, [*COMPARED], batch_size=1000)
        listed = {row.values["code"] for row in rows}
        report.deactivated = sorted(code for code, lao in existing.items() if code not in listed and lao["active"])
        LAO.objects.filter(generated=False, code__in=report.deactivated).update(active=False)
        report.created, report.updated = len(new), len(changed)
        rederive |= {lao.id for lao in new}
        report.served_added, report.served_removed = lao_served_areas.derive(sorted(rederive))
    return report
