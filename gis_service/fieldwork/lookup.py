"""What the intake needs to know from the database about one submission, read in a single statement.

Is the UUID already stored (a resend or a clash)? Where did the point fall (subdistrict, district, province)?
Which of the officer's LAOs covers it? Which sites of the programme, and which pending new-site submissions,
lie close enough to be the same site? One round trip answers all four; checks.py turns the answer into
refusals, flags and candidates.
"""
import hashlib
import json
from dataclasses import dataclass
from functools import cache

from django.contrib.auth.models import User
from django.contrib.gis.geos import GEOSGeometry

from gis_service.accounts.models import LaoMembership
from gis_service.fieldwork.models import Kind, ReviewState, Submission
from gis_service.fieldwork.programmes import FieldProgramme
from gis_service.geography import queries
from gis_service.prepared import run_prepared

# Degrees to expand a bounding box by per metre: 1 degree is at least 100 km anywhere in Thailand.
DEGREES_PER_M = 1 / 100_000
MAX_CANDIDATES = 10

# The statement is prepared once per database session (prepared.py): planning it cost about 0.6 ms, four
# times as much as running it. Its arguments come in once, through the one-row `arg`, which the planner
# folds into the statement, so the spatial indexes are used.
ARGUMENTS = ["uuid", "lon", "lat", "user_id", "lao_code", "geom", "radius_m", "deg", "share", "programme"]
ARG_CTE = """arg AS NOT MATERIALIZED (SELECT $1::uuid AS uuid, $2::float8 AS lon, $3::float8 AS lat,
  $4::bigint AS user_id, $5::text AS lao_code, ST_GeomFromEWKB($6::bytea) AS geom, $7::float8 AS radius_m,
  $8::float8 AS deg, $9::float8 AS share, $10::text AS programme)"""

# The candidates of each kind come back as one JSON array of arrays, so the statement stays one row.
POINT_SITE_CANDIDATES = """
  SELECT s.uid, s.code, s.name_th, s.name_en, ST_Distance(s.geom::geography, arg.geom::geography) AS distance_m,
    NULL::float AS overlap_share
  FROM {table} s, arg WHERE s.geom && ST_Expand(arg.geom, arg.deg)"""
# A road is a candidate when most of the new track lies within the radius of it.
LINE_SITE_CANDIDATES = """
  SELECT r.uid, r.code, r.name_th, r.name_en, ST_Distance(r.geom::geography, arg.geom::geography) AS distance_m,
    ST_Length(ST_Intersection(arg.geom, ST_Buffer(r.geom::geography, arg.radius_m)::geometry)::geography)
      / NULLIF(ST_Length(arg.geom::geography), 0) AS overlap_share
  FROM {table} r, arg WHERE r.geom && ST_Expand(arg.geom, arg.deg)"""
POINT_IS_CANDIDATE, POINT_ORDER = "distance_m <= radius_m", "distance_m"
LINE_IS_CANDIDATE, LINE_ORDER = "overlap_share >= share", "overlap_share DESC"

LOOKUP_SQL = """
WITH {arg_cte},
pt AS NOT MATERIALIZED (SELECT {point} AS g FROM arg),
stored AS (SELECT f.id, f.content_sha256 FROM {submissions} f, arg WHERE f.client_uuid = arg.uuid),
place AS ({place}),
-- Local LAOs before provincial ones, so a site goes to the organisation closest to it.
lao AS (
  SELECT l.id, l.code, COALESCE(NULLIF(l.full_name_th, ''), l.name_th) AS name_th, l.name_en
  FROM arg, {laos} l JOIN {memberships} m ON m.lao_id = l.id
  WHERE m.user_id = arg.user_id AND (arg.lao_code = '' OR l.code = arg.lao_code) AND l.id IN ({serving})
  ORDER BY {lao_order} LIMIT 1),
sites AS (
  SELECT c.* FROM ({site_candidates}) c, arg WHERE {site_is_candidate} ORDER BY {site_order} LIMIT {limit}),
pending AS (
  SELECT f.client_uuid, COALESCE(f.attributes -> 'name_th', '""'::jsonb) AS name_th,
    ST_Distance(f.location::geography, ST_Centroid(arg.geom)::geography) AS distance_m
  FROM {submissions} f, arg
  WHERE f.programme = arg.programme AND f.kind = '{new_site}' AND f.state = '{submitted}'
    AND f.client_uuid <> arg.uuid AND f.location && ST_Expand(ST_Centroid(arg.geom), arg.deg)),
near_pending AS (
  SELECT pending.* FROM pending, arg WHERE distance_m <= radius_m ORDER BY distance_m LIMIT {limit})
SELECT
  stored.id, stored.content_sha256,
  place.subdistrict_id, place.subdistrict_code, place.subdistrict_th, place.subdistrict_en,
  place.district_id, place.district_th, place.district_en, place.province_id, place.province_th, place.province_en,
  lao.id, lao.code, lao.name_th, lao.name_en,
  (SELECT json_agg(json_build_array(uid, code, name_th, name_en, distance_m, overlap_share) ORDER BY {site_order})
   FROM sites),
  (SELECT json_agg(json_build_array(client_uuid, name_th, distance_m) ORDER BY distance_m) FROM near_pending)
FROM (SELECT 1) one LEFT JOIN stored ON true LEFT JOIN place ON true LEFT JOIN lao ON true
"""


@cache
def lookup_sql(programme: FieldProgramme) -> tuple[str, str]:
    """The name and text (for PREPARE) of the lookup statement of one programme (its site table and duplicate rule)."""
    line = programme.is_line
    # The place and the LAO come from the geographic rules (queries.py); the LAO reuses the subdistrict found.
    point = "(SELECT pt.g FROM pt)"
    sql = LOOKUP_SQL.format(
        arg_cte=ARG_CTE, point=queries.point_sql("arg.lon", "arg.lat"), submissions=Submission._meta.db_table,
        place=queries.place_at_sql(point), laos=queries.table("lao"), memberships=LaoMembership._meta.db_table,
        serving=queries.laos_serving_point_sql(point, subdistrict="(SELECT place.subdistrict_id FROM place)"),
        lao_order=queries.lao_preference_sql("l"),
        site_candidates=(LINE_SITE_CANDIDATES if line else POINT_SITE_CANDIDATES).format(
            table=programme.model._meta.db_table),
        site_is_candidate=LINE_IS_CANDIDATE if line else POINT_IS_CANDIDATE,
        site_order=LINE_ORDER if line else POINT_ORDER,
        limit=MAX_CANDIDATES, new_site=Kind.NEW_SITE.value, submitted=ReviewState.SUBMITTED.value,
    )
    # The name follows the text, so a changed statement is never run under an old session's plan.
    return f"field_lookup_{hashlib.sha1(sql.encode()).hexdigest()[:16]}", sql


@dataclass
class Place:
    """Where a point fell: ids and names of its subdistrict, district and province."""

    subdistrict_id: int
    subdistrict_code: str
    subdistrict_th: str
    subdistrict_en: str
    district_id: int
    district_th: str
    district_en: str
    province_id: int
    province_th: str
    province_en: str


@dataclass
class OfficerLao:
    """The officer's LAO whose area covers the point."""

    id: int
    code: str
    name_th: str  # its full Thai name, as the register writes it (with its type, e.g. "city municipality")
    name_en: str


@dataclass
class Facts:
    """The database's answer about one submission; `place` or `lao` is None when there is none."""

    stored_id: int | None
    stored_sha256: str | None
    place: Place | None
    lao: OfficerLao | None
    candidates: list[dict]


def _json(value) -> list:
    # psycopg2 decodes json itself; accept text too in case a type caster is set differently.
    if value is None:
        return []
    return json.loads(value) if isinstance(value, str) else value


def look_up(user: User, programme: FieldProgramme, uuid, lon: float, lat: float, lao_code: str,
            new_geometry: GEOSGeometry | None) -> Facts:
    """Read everything the intake checks need; duplicates are searched only for a new site's geometry."""
    radius_m = programme.duplicate_radius_m
    arguments = {
        "uuid": str(uuid), "lon": lon, "lat": lat, "user_id": user.id, "lao_code": lao_code or "",
        "geom": bytes(new_geometry.ewkb) if new_geometry is not None else None, "radius_m": radius_m,
        "deg": radius_m * DEGREES_PER_M, "share": programme.duplicate_overlap_share, "programme": programme.slug,
    }
    name, prepared_sql = lookup_sql(programme)
    (row,) = run_prepared(name, prepared_sql, [arguments[key] for key in ARGUMENTS])
    stored_id, stored_sha256, place_cols, lao_cols, sites, pending = row[0], row[1], row[2:12], row[12:16], *row[16:]
    candidates = [
        {"type": "site", "uid": str(uid), "code": code, "name_th": name_th, "name_en": name_en,
         "distance_m": round(distance_m, 1), **({"overlap_share": round(share, 3)} if share is not None else {})}
        for uid, code, name_th, name_en, distance_m, share in _json(sites)
    ] + [
        {"type": "submission", "uuid": str(client_uuid), "name_th": name_th, "distance_m": round(distance_m, 1)}
        for client_uuid, name_th, distance_m in _json(pending)
    ]
    return Facts(
        stored_id=stored_id, stored_sha256=stored_sha256,
        place=Place(*place_cols) if place_cols[0] is not None else None,
        lao=OfficerLao(*lao_cols) if lao_cols[0] is not None else None,
        candidates=candidates,
    )
