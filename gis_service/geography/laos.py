"""The LAOs older set-ups generated from the boundaries, before the DLA's register was loaded (issue 17).

Set-up no longer makes them (there is no command for it): the register is the LAOs, and load_lao_register moves an
older installation off these (lao_succession.py). Kept so tests and benchmarks can make such an installation.

Deterministic: the same boundaries always give the same LAOs. One provincial administrative
organisation per province outside Bangkok, the Bangkok Metropolitan Administration for all of
Bangkok, Pattaya City for its two subdistricts, and one LAO for every other subdistrict: a
municipality at each district seat (city or town in the provincial seat), otherwise a
subdistrict administrative organisation. All are marked generated.
"""
from django.db import connection, transaction

from gis_service.geography.models import LAO

BANGKOK_CODE = "TH10"
PATTAYA_SUBDISTRICTS = ("TH200402", "TH200408")  # Nong Prue and Na Kluea, Bang Lamung
# Provincial seats large enough to be city municipalities (เทศบาลนคร).
CITY_PROVINCES = (
    "TH30",
    "TH40",
    "TH41",
    "TH50",
    "TH65",
    "TH83",
    "TH90",
    "TH34",
    "TH80",
    "TH12",
    "TH11",
    "TH20",
    "TH84",
)

# Subdistrict LAOs: kind from the subdistrict's place in the hierarchy, names from its own.
SUBDISTRICT_LAOS_SQL = """
INSERT INTO geography_lao (code, name_th, name_en, kind, province_id, office_location, area, generated)
SELECT 'LAO-' || substr(s.code, 3),
  CASE k.kind
    WHEN 'city_municipality' THEN 'เทศบาลนคร' || s.name_th
    WHEN 'town_municipality' THEN 'เทศบาลเมือง' || s.name_th
    WHEN 'subdistrict_municipality' THEN 'เทศบาลตำบล' || s.name_th
    ELSE 'องค์การบริหารส่วนตำบล' || s.name_th END,
  CASE k.kind
    WHEN 'city_municipality' THEN s.name_en || ' City Municipality'
    WHEN 'town_municipality' THEN s.name_en || ' Town Municipality'
    WHEN 'subdistrict_municipality' THEN s.name_en || ' Subdistrict Municipality'
    ELSE s.name_en || ' Subdistrict Administrative Organization' END,
  k.kind, s.province_id, ST_PointOnSurface(s.geom), s.geom, true
FROM geography_subdistrict s
JOIN geography_province p ON p.id = s.province_id
CROSS JOIN LATERAL (SELECT CASE
    WHEN right(s.code, 4) = '0101' AND p.code = ANY(%(city_provinces)s) THEN 'city_municipality'
    WHEN right(s.code, 4) = '0101' THEN 'town_municipality'
    WHEN right(s.code, 2) = '01' THEN 'subdistrict_municipality'
    ELSE 'sao' END AS kind) k
WHERE p.code <> %(bangkok)s AND s.code <> ALL(%(pattaya)s)
ORDER BY s.code
"""

AREA_LAOS_SQL = """
INSERT INTO geography_lao (code, name_th, name_en, kind, province_id, office_location, area, generated)
SELECT CASE WHEN p.code = %(bangkok)s THEN 'BMA-10' ELSE 'PAO-' || substr(p.code, 3) END,
  CASE WHEN p.code = %(bangkok)s THEN 'กรุงเทพมหานคร' ELSE 'องค์การบริหารส่วนจังหวัด' || p.name_th END,
  CASE WHEN p.code = %(bangkok)s THEN 'Bangkok Metropolitan Administration'
       ELSE p.name_en || ' Provincial Administrative Organization' END,
  CASE WHEN p.code = %(bangkok)s THEN 'bangkok' ELSE 'pao' END,
  p.id,
  (SELECT ST_PointOnSurface(s.geom) FROM geography_subdistrict s WHERE s.province_id = p.id ORDER BY s.code LIMIT 1),
  p.geom, true
FROM geography_province p ORDER BY p.code;

INSERT INTO geography_lao (code, name_th, name_en, kind, province_id, office_location, area, generated)
SELECT 'PTY-20', 'เมืองพัทยา', 'Pattaya City', 'pattaya', min(s.province_id),
  ST_PointOnSurface(ST_Union(s.geom)), ST_Multi(ST_Union(s.geom)), true
FROM geography_subdistrict s WHERE s.code = ANY(%(pattaya)s)
HAVING count(*) > 0;  -- no Pattaya when Chonburi is not loaded (the small test fixture)
"""

MEMBERSHIP_SQL = """
INSERT INTO geography_lao_subdistricts (lao_id, subdistrict_id, method, approximate, note)
SELECT l.id, s.id,
  CASE l.kind WHEN 'pao' THEN 'province' WHEN 'bangkok' THEN 'bangkok' ELSE 'generated' END, false, ''
FROM geography_lao l JOIN geography_subdistrict s
  ON (l.kind IN ('pao', 'bangkok') AND s.province_id = l.province_id)
  OR (l.kind = 'pattaya' AND s.code = ANY(%(pattaya)s))
  OR (l.code = 'LAO-' || substr(s.code, 3))
WHERE l.generated
"""


def laos_present() -> bool:
    """True when a generated LAO register is already there."""
    return LAO.objects.filter(generated=True).exists()


@transaction.atomic
def generate_laos() -> int:
    """Create the generated LAO register; returns how many LAOs it made."""
    params = {"bangkok": BANGKOK_CODE, "pattaya": list(PATTAYA_SUBDISTRICTS), "city_provinces": list(CITY_PROVINCES)}
    with connection.cursor() as cursor:
        cursor.execute(AREA_LAOS_SQL, params)
        cursor.execute(SUBDISTRICT_LAOS_SQL, params)
        cursor.execute(MEMBERSHIP_SQL, params)
    return LAO.objects.filter(generated=True).count()
