"""The one home of the geographic rules: which subdistrict holds a point or a road, which LAOs serve a point or a
subdistrict, and which UTM zone a place lies in.

Each rule is one SQL text. Its inputs are SQL expressions (a point, a subdistrict id), so the same text goes into
a statement prepared with $1, $2 ... (the field intake), one run through Django's cursor with %(name)s
(validation) and the ORM (as RawSQL). Table names come from the models, never typed here.
"""
from functools import cache

from django.contrib.gis.geos import GEOSGeometry
from django.db import connection
from django.db.models.expressions import RawSQL

from gis_service.geography.constants import UTM_47N, UTM_48N, UTM_ZONE_BOUNDARY_LON, WGS84
from gis_service.geography.models import LAO, District, Province, Subdistrict

# Provincial LAOs and Bangkok serve whole provinces; a site goes to the organisation closest to it, so local
# LAOs (municipalities, SAOs, Pattaya) come before them.
REGIONAL_LAO_KINDS = (LAO.Kind.PROVINCIAL.value, LAO.Kind.BANGKOK.value)


@cache
def _tables() -> dict[str, str]:
    # Read on first use, not at import, so the M2M through model is surely built by then.
    return {
        "province": Province._meta.db_table, "district": District._meta.db_table,
        "subdistrict": Subdistrict._meta.db_table, "lao": LAO._meta.db_table,
        "lao_subdistricts": LAO.subdistricts.through._meta.db_table,
    }


def table(name: str) -> str:
    """The database table of a geography model: province, district, subdistrict, lao or lao_subdistricts."""
    return _tables()[name]


def point_sql(lon: str, lat: str) -> str:
    """SQL of a WGS 84 point from SQL expressions of its longitude and latitude."""
    return f"ST_SetSRID(ST_MakePoint({lon}, {lat}), {WGS84})"


def subdistrict_at_sql(point: str) -> str:
    """SQL selecting the id of the subdistrict holding `point` (an SQL geometry expression); no row at sea or abroad."""
    # A point on a shared border lies in both subdistricts: the lower code wins, so the answer never depends on
    # the plan.
    return (f"SELECT s.id FROM {table('subdistrict')} s WHERE ST_Intersects(s.geom, {point})"
            " ORDER BY s.code LIMIT 1")


def place_at_sql(point: str) -> str:
    """SQL selecting the subdistrict holding `point` with its district and province: ids and names."""
    return (
        "SELECT s.id AS subdistrict_id, s.code AS subdistrict_code, s.name_th AS subdistrict_th,"
        " s.name_en AS subdistrict_en, d.id AS district_id, d.name_th AS district_th, d.name_en AS district_en,"
        " p.id AS province_id, p.name_th AS province_th, p.name_en AS province_en"
        f" FROM {table('subdistrict')} s JOIN {table('district')} d ON d.id = s.district_id"
        f" JOIN {table('province')} p ON p.id = s.province_id"
        f" WHERE s.id = ({subdistrict_at_sql(point)})"
    )


def subdistrict_of_line_sql(line: str) -> str:
    """SQL selecting the id of the subdistrict holding the longest part of `line` (a road); no row abroad."""
    return (f"SELECT s.id FROM {table('subdistrict')} s WHERE ST_Intersects(s.geom, {line})"
            f" ORDER BY ST_Length(ST_Intersection(s.geom, {line})::geography) DESC, s.code LIMIT 1")


def length_in_thailand_sql(line: str) -> str:
    """SQL of the geodesic metres of `line` that lie in some subdistrict of Thailand (0 when none)."""
    return (f"COALESCE((SELECT SUM(ST_Length(ST_Intersection(s.geom, {line})::geography))"
            f" FROM {table('subdistrict')} s WHERE ST_Intersects(s.geom, {line})), 0)")


def laos_serving_subdistrict_sql(subdistrict: str) -> str:
    """SQL selecting (as lao_id) the active LAOs that serve the subdistrict whose id is the SQL expression
    `subdistrict`."""
    # The register's served areas list every subdistrict an LAO serves; a provincial LAO (and Bangkok) lists its
    # whole province. An LAO a newer register no longer lists (inactive) serves nothing new.
    return (f"SELECT ls.lao_id FROM {table('lao_subdistricts')} ls JOIN {table('lao')} sl ON sl.id = ls.lao_id"
            f" WHERE ls.subdistrict_id = {subdistrict} AND sl.active")


def laos_serving_point_sql(point: str, subdistrict: str | None = None) -> str:
    """SQL selecting (as lao_id) the LAOs that serve `point`: those serving the subdistrict holding it.

    A caller that has selected that subdistrict already passes its id expression as `subdistrict`, which saves
    a second search of the boundaries.
    """
    return laos_serving_subdistrict_sql(subdistrict or f"({subdistrict_at_sql(point)})")


def lao_preference_sql(alias: str = "l") -> str:
    """SQL ORDER BY terms putting local LAOs before provincial ones (then by code), for LAO table alias `alias`."""
    kinds = ", ".join(f"'{kind}'" for kind in REGIONAL_LAO_KINDS)
    return f"{alias}.kind IN ({kinds}), {alias}.code"


def serving_lao_ids(subdistrict_id: int) -> RawSQL:
    """The ids of the LAOs serving a subdistrict, for an ORM filter such as `lao_id__in=`."""
    return RawSQL(laos_serving_subdistrict_sql("%s"), [subdistrict_id])


def subdistrict_at(lon: float, lat: float) -> int | None:
    """The id of the subdistrict holding the point (lon, lat), or None outside Thailand."""
    with connection.cursor() as cursor:
        cursor.execute(subdistrict_at_sql(point_sql("%s", "%s")), [lon, lat])
        row = cursor.fetchone()
    return row[0] if row else None


def laos_serving_point(lon: float, lat: float) -> list[int]:
    """The ids of the LAOs serving the point (lon, lat), local ones first; empty outside Thailand."""
    sql = (f"SELECT l.id FROM {table('lao')} l WHERE l.id IN ({laos_serving_point_sql(point_sql('%s', '%s'))})"
           f" ORDER BY {lao_preference_sql('l')}")
    with connection.cursor() as cursor:
        cursor.execute(sql, [lon, lat])
        return [lao_id for (lao_id,) in cursor.fetchall()]


def responsible_laos(points: list[tuple[float, float]]) -> list[dict | None]:
    """For each (lon, lat), the LAO that would build there (the first serving it, local before provincial): its
    code and names; None at sea or abroad. One statement for all the points."""
    if not points:
        return []
    serving = laos_serving_point_sql(point_sql("p.lon", "p.lat"))
    sql = (f"SELECT r.code, r.full_name_th, r.name_en FROM unnest(%s::float8[], %s::float8[]) WITH ORDINALITY"
           f" AS p(lon, lat, ord) LEFT JOIN LATERAL (SELECT l.code, l.full_name_th, l.name_en FROM {table('lao')} l"
           f" WHERE l.id IN ({serving}) ORDER BY {lao_preference_sql('l')} LIMIT 1) r ON true ORDER BY p.ord")
    with connection.cursor() as cursor:
        cursor.execute(sql, [[lon for lon, _ in points], [lat for _, lat in points]])
        return [None if code is None else {"code": code, "name_th": name_th, "name_en": name_en}
                for code, name_th, name_en in cursor.fetchall()]


def utm_srid(where: float | GEOSGeometry) -> int:
    """The SRID of the UTM zone (47N or 48N) of a longitude, or of a geometry's centroid."""
    lon = where.centroid.x if isinstance(where, GEOSGeometry) else where
    return UTM_47N if lon < UTM_ZONE_BOUNDARY_LON else UTM_48N


def utm_srid_sql(lon: str) -> str:
    """utm_srid as SQL, for an SQL expression of a longitude."""
    return f"CASE WHEN {lon} < {UTM_ZONE_BOUNDARY_LON:g} THEN {UTM_47N} ELSE {UTM_48N} END"


def utm_zones_sql(margin_deg: float) -> str:
    """SQL rows z(srid, lon_min, lon_max) of the two zones, each reaching `margin_deg` past their boundary."""
    boundary = UTM_ZONE_BOUNDARY_LON
    return (f"(VALUES ({UTM_47N}, -180.0, {boundary + margin_deg!r}), ({UTM_48N}, {boundary - margin_deg!r}, 180.0))"
            " AS z(srid, lon_min, lon_max)")
