"""The checks a field submission must pass: place, LAO, accuracy, capture time, attributes, duplicates."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.models import User
from django.contrib.gis.geos import GEOSGeometry, Point
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import FloatField
from django.db.models.expressions import RawSQL
from django.utils import timezone

from gis_service.fieldwork.errors import Refused
from gis_service.fieldwork.models import Kind, ReviewState, Submission
from gis_service.fieldwork.programmes import FieldProgramme, thai_label
from gis_service.geography.models import LAO, District, Province, Subdistrict
from gis_service.programmes.models import ProgrammeSite
from gis_service.programmes.validation import set_geometry, validate_site

MAX_CAPTURE_AGE = timedelta(days=30)
# Phones' clocks drift; a capture a few minutes "in the future" is a clock, not a forgery.
CLOCK_SKEW_ALLOWED = timedelta(minutes=5)
# Degrees to expand a bounding box by per metre: 1 degree is at least 100 km anywhere in Thailand.
DEGREES_PER_M = 1 / 100_000

# One statement: where the point fell, and the officer's LAO whose area covers it (local LAOs before
# provincial ones, so a site goes to the organisation closest to it).
PLACE_SQL = """
WITH pt AS (SELECT ST_SetSRID(ST_MakePoint(%(lon)s, %(lat)s), 4326) AS g)
SELECT s.id, s.code, s.name_th, s.name_en, d.id, d.name_th, d.name_en, p.id, p.name_th, p.name_en,
  lao.id, lao.code, lao.name_th, lao.name_en
FROM pt
LEFT JOIN geography_subdistrict s ON ST_Intersects(s.geom, pt.g)
LEFT JOIN geography_district d ON d.id = s.district_id
LEFT JOIN geography_province p ON p.id = s.province_id
LEFT JOIN LATERAL (
  SELECT l.id, l.code, l.name_th, l.name_en FROM geography_lao l JOIN accounts_laomembership m ON m.lao_id = l.id
  WHERE m.user_id = %(user_id)s AND ST_Covers(l.area, pt.g) AND (%(lao_code)s = '' OR l.code = %(lao_code)s)
  ORDER BY l.kind IN ('pao', 'bangkok'), l.code LIMIT 1) lao ON true
ORDER BY s.code LIMIT 1
"""


@dataclass
class Placement:
    """Where a submitted point lies and which of the officer's LAOs covers it (names included, for the answer)."""

    subdistrict: Subdistrict
    province: Province
    lao: LAO

    @property
    def lao_id(self) -> int:
        return self.lao.id


def check_place(user: User, lon: float, lat: float, lao_code: str = "") -> Placement:
    """The point must lie in Thailand and in the area of an LAO the officer belongs to."""
    with connection.cursor() as cursor:
        cursor.execute(PLACE_SQL, {"lon": lon, "lat": lat, "user_id": user.id, "lao_code": lao_code or ""})
        row = cursor.fetchone()
    (sub_id, sub_code, sub_th, sub_en, dist_id, dist_th, dist_en, prov_id, prov_th, prov_en,
     lao_id, lao_code_found, lao_th, lao_en) = row
    if sub_id is None:
        raise Refused(
            "location", "outside_thailand",
            f"The point ({lon:.6f}, {lat:.6f}) is not in Thailand (outside the country or at sea): "
            "check that location services are on and wait for a GPS fix.",
            f"ตำแหน่ง ({lon:.6f}, {lat:.6f}) ไม่อยู่ในประเทศไทย (อยู่นอกประเทศหรือในทะเล) "
            "กรุณาตรวจสอบว่าเปิดระบุตำแหน่งแล้ว และรอสัญญาณ GPS",
        )
    if lao_id is None:
        which_en = f"LAO {lao_code}" if lao_code else "any LAO you belong to"
        which_th = f"อปท. {lao_code}" if lao_code else "อปท. ที่ท่านสังกัด"
        raise Refused(
            "location", "outside_officer_lao",
            f"The point fell in subdistrict {sub_en}, district {dist_en}, province {prov_en} ({sub_code}), "
            f"which is outside the area of {which_en}: register sites only in your LAO's area, "
            "or ask an administrator to add you to the LAO responsible here.",
            f"ตำแหน่งนี้อยู่ใน ตำบล{sub_th} อำเภอ{dist_th} จังหวัด{prov_th} ({sub_code}) "
            f"ซึ่งอยู่นอกพื้นที่ของ{which_th} กรุณาบันทึกเฉพาะในพื้นที่ของ อปท. ของท่าน "
            "หรือติดต่อผู้ดูแลระบบเพื่อเพิ่มสังกัด",
            place={"subdistrict": {"code": sub_code, "name_th": sub_th, "name_en": sub_en},
                   "district": {"name_th": dist_th, "name_en": dist_en},
                   "province": {"name_th": prov_th, "name_en": prov_en}},
        )
    # Names only: these instances carry what the answer shows, so answering needs no further query.
    province = Province(id=prov_id, name_th=prov_th, name_en=prov_en)
    district = District(id=dist_id, name_th=dist_th, name_en=dist_en, province=province)
    subdistrict = Subdistrict(id=sub_id, code=sub_code, name_th=sub_th, name_en=sub_en, district=district,
                              province=province)
    return Placement(subdistrict=subdistrict, province=province,
                     lao=LAO(id=lao_id, code=lao_code_found, name_th=lao_th, name_en=lao_en, province=province))


def check_accuracy(programme: FieldProgramme, accuracy_m: float, accuracy_note: str) -> list[dict]:
    """Refuse a fix worse than the programme's limit; flag one that is merely weak."""
    if accuracy_m > programme.refuse_above_m:
        raise Refused(
            "accuracy_m", "accuracy_too_poor",
            f"The GPS accuracy is {accuracy_m:.0f} m; a {programme.label_en.lower()} needs "
            f"{programme.refuse_above_m:.0f} m or better. Move into the open, wait for a better fix and send again.",
            f"ความแม่นยำของ GPS คือ {accuracy_m:.0f} เมตร แต่{programme.label_th}ต้องแม่นยำไม่เกิน "
            f"{programme.refuse_above_m:.0f} เมตร กรุณาออกไปที่โล่ง รอสัญญาณที่ดีขึ้น แล้วส่งใหม่",
        )
    if accuracy_m > programme.flag_above_m:
        return [flag(
            "low_accuracy",
            f"GPS accuracy {accuracy_m:.0f} m is worse than {programme.flag_above_m:.0f} m"
            + (f"; the officer's reason: {accuracy_note}" if accuracy_note else ""),
            f"ความแม่นยำ GPS {accuracy_m:.0f} เมตร เกิน {programme.flag_above_m:.0f} เมตร"
            + (f" เหตุผลของเจ้าหน้าที่: {accuracy_note}" if accuracy_note else ""),
        )]
    return []


def check_capture_time(captured_at: datetime, now: datetime | None = None) -> None:
    """The capture time may be neither in the future nor older than 30 days."""
    now = now or timezone.now()
    if captured_at > now + CLOCK_SKEW_ALLOWED:
        raise Refused(
            "captured_at", "captured_in_future",
            f"The capture time {captured_at.isoformat()} is in the future: set the phone's date and time "
            "to automatic and capture again.",
            f"เวลาที่บันทึก {captured_at.isoformat()} อยู่ในอนาคต กรุณาตั้งวันเวลาของโทรศัพท์เป็นอัตโนมัติแล้วบันทึกใหม่",
        )
    if captured_at < now - MAX_CAPTURE_AGE:
        raise Refused(
            "captured_at", "captured_too_long_ago",
            f"The capture time {captured_at.date().isoformat()} is more than {MAX_CAPTURE_AGE.days} days ago: "
            "visit the site again and capture a fresh position.",
            f"เวลาที่บันทึก {captured_at.date().isoformat()} เก่ากว่า {MAX_CAPTURE_AGE.days} วัน "
            "กรุณาไปที่จุดนั้นอีกครั้งและบันทึกตำแหน่งใหม่",
        )


def flag(code: str, message_en: str, message_th: str) -> dict:
    """A reason for the reviewer to look closely, in both languages."""
    return {"code": code, "message_en": message_en, "message_th": message_th}


def refuse_invalid_site(exc: ValidationError) -> Refused:
    """Turn the validation path's field errors into bilingual problems naming the attribute."""
    problems = []
    for field, messages in exc.message_dict.items():
        for message in messages:
            problems.append({
                "field": f"attributes.{field}" if field not in ("geom", "__all__") else "location",
                "code": "invalid_attribute",
                "message_en": f"{field}: {message}",
                "message_th": f"{thai_label(field)} ไม่ถูกต้อง: {message}",
            })
    return Refused.many(problems)


def build_new_site(programme: FieldProgramme, attributes: dict, geometry: GEOSGeometry, lao_id: int) -> ProgrammeSite:
    """An unsaved site from a new-site submission, checked by the one validation path."""
    unknown = sorted(set(attributes) - set(programme.field_names))
    if unknown:
        raise unknown_attributes(programme, unknown, programme.field_names)
    site = programme.model(lao_id=lao_id)
    for name, value in attributes.items():
        setattr(site, name, value)
    try:
        set_geometry(site, geometry)
        validate_site(site)
    except ValidationError as exc:
        raise refuse_invalid_site(exc)
    return site


def apply_inspection(programme: FieldProgramme, site: ProgrammeSite, attributes: dict) -> ProgrammeSite:
    """Apply an inspection's changes to a site (unsaved) and check them by the one validation path."""
    unknown = sorted(set(attributes) - set(programme.inspection_attributes))
    if unknown:
        raise unknown_attributes(programme, unknown, programme.inspection_attributes)
    for name, value in attributes.items():
        setattr(site, name, value)
    try:
        validate_site(site)
    except ValidationError as exc:
        raise refuse_invalid_site(exc)
    return site


def unknown_attributes(programme: FieldProgramme, unknown: list[str], allowed: tuple[str, ...]) -> Refused:
    """An attribute the programme does not have: say which ones it does."""
    return Refused(
        "attributes", "unknown_attribute",
        f"A {programme.label_en.lower()} has no attribute {', '.join(unknown)} here; "
        f"use: {', '.join(allowed)}.",
        f"{programme.label_th}ไม่มีข้อมูล {', '.join(unknown)} ในที่นี้ ใช้ได้เฉพาะ: {', '.join(allowed)}",
    )


def find_duplicates(programme: FieldProgramme, geometry: GEOSGeometry, exclude_uuid=None) -> list[dict]:
    """Sites of the programme (and pending new-site submissions) the new one may be a duplicate of."""
    radius_m = programme.duplicate_radius_m
    table = programme.model._meta.db_table
    ewkb = bytes(geometry.ewkb)
    if programme.is_line:
        # A road is a candidate when most of the new track lies within the radius of it.
        sql = f"""
            WITH n AS (SELECT ST_GeomFromEWKB(%(g)s) AS g)
            SELECT * FROM (
              SELECT r.uid, r.code, r.name_th, r.name_en, ST_Distance(r.geom::geography, n.g::geography) AS distance_m,
                ST_Length(ST_Intersection(n.g, ST_Buffer(r.geom::geography, %(r)s)::geometry)::geography)
                  / NULLIF(ST_Length(n.g::geography), 0) AS overlap_share
              FROM {table} r, n WHERE r.geom && ST_Expand(n.g, %(deg)s)
            ) c WHERE c.overlap_share >= %(share)s ORDER BY c.overlap_share DESC LIMIT 10"""
    else:
        sql = f"""
            WITH n AS (SELECT ST_GeomFromEWKB(%(g)s) AS g)
            SELECT * FROM (
              SELECT s.uid, s.code, s.name_th, s.name_en, ST_Distance(s.geom::geography, n.g::geography) AS distance_m,
                NULL::float AS overlap_share
              FROM {table} s, n WHERE s.geom && ST_Expand(n.g, %(deg)s)
            ) c WHERE c.distance_m <= %(r)s ORDER BY c.distance_m LIMIT 10"""
    params = {"g": ewkb, "r": radius_m, "deg": radius_m * DEGREES_PER_M, "share": programme.duplicate_overlap_share}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        candidates = [
            {"type": "site", "uid": str(uid), "code": code, "name_th": name_th, "name_en": name_en,
             "distance_m": round(distance_m, 1),
             **({"overlap_share": round(share, 3)} if share is not None else {})}
            for uid, code, name_th, name_en, distance_m, share in cursor.fetchall()
        ]
    candidates += pending_duplicates(programme, geometry, exclude_uuid)
    return candidates


def pending_duplicates(programme: FieldProgramme, geometry: GEOSGeometry, exclude_uuid) -> list[dict]:
    """New-site submissions not yet reviewed at the same place: two officers at one well, say."""
    point = geometry if isinstance(geometry, Point) else geometry.centroid
    radius_m = programme.duplicate_radius_m
    rows = (
        Submission.objects.filter(
            programme=programme.slug, kind=Kind.NEW_SITE, state=ReviewState.SUBMITTED,
            location__bboverlaps=point.buffer(radius_m * DEGREES_PER_M),
        )
        .exclude(client_uuid=exclude_uuid)
        .annotate(distance_m=RawSQL("ST_Distance(location::geography, ST_GeomFromEWKB(%s)::geography)",
                                    [bytes(point.ewkb)], output_field=FloatField()))
        .values("client_uuid", "attributes", "distance_m")[:10]
    )
    return [
        {"type": "submission", "uuid": str(row["client_uuid"]), "name_th": row["attributes"].get("name_th", ""),
         "distance_m": round(row["distance_m"], 1)}
        for row in rows if row["distance_m"] <= radius_m
    ]
