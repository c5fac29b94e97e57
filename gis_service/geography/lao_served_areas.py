"""Which subdistricts the register's LAOs serve: derived in PostGIS, each row saying how; administrators correct.

The DLA register does not say which subdistricts an LAO serves. The rules, in order:
- a provincial administrative organisation (อบจ.) serves its whole province, Bangkok (BMA) the whole of Bangkok;
- a municipality or SAO serves the subdistrict of its own name in its district (the register's name match);
- without a name match, the subdistrict of its district holding its office point; a city or town municipality
  (or Pattaya) also serves that subdistrict's neighbours in the same district, marked approximate (without an
  office point either, it is placed at its district's first subdistrict, usually the seat, marked approximate);
- an SAO or subdistrict municipality with neither serves nothing until an administrator says what it serves;
- every subdistrict outside Bangkok that no active municipality or SAO serves then goes, marked approximate, to
  the LAO serving a neighbour in the same district (a city or town municipality first, as towns outgrow their
  subdistrict; then the longest shared border), or failing that the district's LAO whose office is nearest.
A subdistrict may be served by two LAOs (a เทศบาลตำบล and an อบต. of the same name): nothing here prevents it.
Rows an administrator made (method "administrator") are never touched.
"""
from django.db import connection

from gis_service.geography.models import LAO, LAOSubdistrict

AREA_KINDS = (LAO.Kind.PROVINCIAL.value, LAO.Kind.BANGKOK.value)
# Municipalities large enough to spread past their office's subdistrict.
URBAN_KINDS = (LAO.Kind.CITY_MUNICIPALITY.value, LAO.Kind.TOWN_MUNICIPALITY.value, LAO.Kind.PATTAYA.value)
BANGKOK_PROVINCE = "TH10"
M = LAOSubdistrict.Method

FORGET_SQL = f"""
DELETE FROM geography_lao_subdistricts WHERE lao_id = ANY(%(ids)s) AND method <> '{M.ADMINISTRATOR}'
RETURNING lao_id, subdistrict_id
"""

WHOLE_AREAS_SQL = f"""
INSERT INTO geography_lao_subdistricts (lao_id, subdistrict_id, method, approximate, note)
SELECT l.id, s.id, CASE l.kind WHEN 'pao' THEN '{M.PROVINCE}' ELSE '{M.BANGKOK}' END, false, ''
FROM geography_lao l JOIN geography_subdistrict s ON s.province_id = l.province_id
WHERE l.id = ANY(%(ids)s) AND l.kind IN ('pao', 'bangkok')
ON CONFLICT (lao_id, subdistrict_id) DO NOTHING RETURNING lao_id, subdistrict_id
"""

# A name match found only elsewhere in the province (the register's name_in_province_unique) is approximate.
NAME_MATCH_SQL = f"""
INSERT INTO geography_lao_subdistricts (lao_id, subdistrict_id, method, approximate, note)
SELECT l.id, s.id, '{M.NAME_MATCH}', s.district_id IS DISTINCT FROM l.district_id, ''
FROM geography_lao l JOIN geography_subdistrict s ON s.id = l.name_match_subdistrict_id
WHERE l.id = ANY(%(ids)s)
ON CONFLICT (lao_id, subdistrict_id) DO NOTHING RETURNING lao_id, subdistrict_id
"""

# Office points outside the LAO's own district (often rounded to 0.01°, sometimes far off) are not used. A city or
# town municipality with neither a name match nor a usable office point is placed at its district's first
# subdistrict, which is usually the district seat.
OFFICE_SQL = """
WITH office AS (
  SELECT l.id AS lao_id, l.kind, l.district_id,
    (SELECT s.id FROM geography_subdistrict s WHERE s.district_id = l.district_id
       AND ST_Intersects(s.geom, l.office_location) ORDER BY s.code LIMIT 1) AS subdistrict_id,
    (SELECT s.id FROM geography_subdistrict s WHERE s.district_id = l.district_id ORDER BY s.code LIMIT 1) AS seat_id
  FROM geography_lao l
  WHERE l.id = ANY(%(ids)s) AND l.name_match_subdistrict_id IS NULL AND l.kind NOT IN ('pao', 'bangkok')),
anchor AS (
  SELECT lao_id, kind, district_id, subdistrict_id IS NOT NULL AS at_office,
    COALESCE(subdistrict_id, CASE WHEN kind = ANY(%(urban)s) THEN seat_id END) AS subdistrict_id
  FROM office)
"""

OFFICE_POINT_SQL = OFFICE_SQL + f"""
INSERT INTO geography_lao_subdistricts (lao_id, subdistrict_id, method, approximate, note)
SELECT lao_id, subdistrict_id, CASE WHEN at_office THEN '{M.OFFICE_POINT}' ELSE '{M.DISTRICT}' END,
  NOT at_office, CASE WHEN at_office THEN '' ELSE 'no office point: its district''s first subdistrict' END
FROM anchor WHERE subdistrict_id IS NOT NULL
ON CONFLICT (lao_id, subdistrict_id) DO NOTHING RETURNING lao_id, subdistrict_id
"""

OFFICE_NEIGHBOURS_SQL = OFFICE_SQL + f"""
INSERT INTO geography_lao_subdistricts (lao_id, subdistrict_id, method, approximate, note)
SELECT a.lao_id, n.id, '{M.OFFICE_NEIGHBOUR}', true,
  CASE WHEN a.at_office THEN 'borders the subdistrict of its office'
       ELSE 'borders its district''s first subdistrict' END
FROM anchor a JOIN geography_subdistrict s ON s.id = a.subdistrict_id
JOIN geography_subdistrict n ON n.district_id = a.district_id AND n.id <> s.id
  AND ST_Intersects(n.geom, s.geom) AND ST_Relate(n.geom, s.geom, 'F***1****')
WHERE a.kind = ANY(%(urban)s)
ON CONFLICT (lao_id, subdistrict_id) DO NOTHING RETURNING lao_id, subdistrict_id
"""

# Active municipalities, SAOs and Pattaya from the register: the LAOs a subdistrict must have at least one of.
LOCAL_LAO = "l.active AND NOT l.generated AND l.kind NOT IN ('pao', 'bangkok')"

UNSERVED = f"""
SELECT g.id, g.district_id, g.geom FROM geography_subdistrict g
JOIN geography_province p ON p.id = g.province_id
WHERE p.code <> %(bangkok)s AND NOT EXISTS (
  SELECT 1 FROM geography_lao_subdistricts ls JOIN geography_lao l ON l.id = ls.lao_id
  WHERE ls.subdistrict_id = g.id AND {LOCAL_LAO})
"""

# A gap filled earlier loses its guess once a real rule serves the subdistrict.
STALE_GUESSES_SQL = f"""
DELETE FROM geography_lao_subdistricts d WHERE d.method = '{M.DISTRICT}' AND EXISTS (
  SELECT 1 FROM geography_lao_subdistricts ls JOIN geography_lao l ON l.id = ls.lao_id
  WHERE ls.subdistrict_id = d.subdistrict_id AND ls.method <> '{M.DISTRICT}' AND {LOCAL_LAO})
RETURNING lao_id, subdistrict_id
"""

FILL_FROM_NEIGHBOURS_SQL = f"""
WITH gap AS ({UNSERVED})
INSERT INTO geography_lao_subdistricts (lao_id, subdistrict_id, method, approximate, note)
SELECT DISTINCT ON (gap.id) l.id, gap.id, '{M.DISTRICT}', true,
  'serves a neighbour (towns first, then the longest border)'
FROM gap JOIN geography_subdistrict n ON n.district_id = gap.district_id AND n.id <> gap.id
  AND ST_Intersects(n.geom, gap.geom)
JOIN geography_lao_subdistricts ls ON ls.subdistrict_id = n.id JOIN geography_lao l ON l.id = ls.lao_id
WHERE {LOCAL_LAO}
ORDER BY gap.id, l.kind = ANY(%(urban)s) DESC, ST_Length(ST_Intersection(n.geom, gap.geom)) DESC, l.code
ON CONFLICT (lao_id, subdistrict_id) DO NOTHING RETURNING lao_id, subdistrict_id
"""

FILL_FROM_NEAREST_OFFICE_SQL = f"""
WITH gap AS ({UNSERVED})
INSERT INTO geography_lao_subdistricts (lao_id, subdistrict_id, method, approximate, note)
SELECT DISTINCT ON (gap.id) l.id, gap.id, '{M.DISTRICT}', true, 'nearest office in its district'
FROM gap JOIN geography_lao l ON l.district_id = gap.district_id AND {LOCAL_LAO}
ORDER BY gap.id, l.office_location IS NULL, ST_Distance(l.office_location, gap.geom), l.code
ON CONFLICT (lao_id, subdistrict_id) DO NOTHING RETURNING lao_id, subdistrict_id
"""

# Provinces' own boundaries are the union of their subdistricts already; local areas are unions of a few.
AREAS_SQL = """
UPDATE geography_lao l SET area = CASE
    WHEN l.kind IN ('pao', 'bangkok') AND NOT EXISTS (
      SELECT 1 FROM geography_lao_subdistricts ls JOIN geography_subdistrict s ON s.id = ls.subdistrict_id
      WHERE ls.lao_id = l.id AND s.province_id <> l.province_id)
      AND (SELECT count(*) FROM geography_lao_subdistricts ls WHERE ls.lao_id = l.id)
        = (SELECT count(*) FROM geography_subdistrict s WHERE s.province_id = l.province_id)
    THEN (SELECT p.geom FROM geography_province p WHERE p.id = l.province_id)
    ELSE (SELECT ST_Multi(ST_Union(s.geom)) FROM geography_lao_subdistricts ls
          JOIN geography_subdistrict s ON s.id = ls.subdistrict_id WHERE ls.lao_id = l.id) END
WHERE l.id = ANY(%(ids)s)
"""


def _run(cursor, sql: str, params: dict) -> set[tuple[int, int]]:
    cursor.execute(sql, params)
    return set(cursor.fetchall())


def derive(lao_ids: list[int]) -> tuple[int, int]:
    """Re-derive the served areas of `lao_ids`, then fill every gap; returns (rows added, rows removed)."""
    params = {"ids": lao_ids, "urban": list(URBAN_KINDS), "bangkok": BANGKOK_PROVINCE}
    added: set[tuple[int, int]] = set()
    with connection.cursor() as cursor:
        removed = _run(cursor, FORGET_SQL, params)
        for sql in (WHOLE_AREAS_SQL, NAME_MATCH_SQL, OFFICE_POINT_SQL, OFFICE_NEIGHBOURS_SQL):
            added |= _run(cursor, sql, params)
        removed |= _run(cursor, STALE_GUESSES_SQL, params)
        # Each pass serves gaps next to served subdistricts; a gap surrounded by gaps waits for the next pass.
        while filled := _run(cursor, FILL_FROM_NEIGHBOURS_SQL, params):
            added |= filled
        added |= _run(cursor, FILL_FROM_NEAREST_OFFICE_SQL, params)
    # A row removed and the same row derived again is no change.
    added, removed = added - removed, removed - added
    refresh_areas(sorted({lao_id for lao_id, _ in added | removed}))
    return len(added), len(removed)


def refresh_areas(lao_ids: list[int]) -> None:
    """Recompute each LAO's `area` from the subdistricts it serves (None when it serves none)."""
    if lao_ids:
        with connection.cursor() as cursor:
            cursor.execute(AREAS_SQL, {"ids": lao_ids})
