"""The checks a field submission must pass: place, LAO, accuracy, capture time, attributes (duplicates: lookup.py)."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.utils import timezone, translation

from gis_service.fieldwork.errors import Refused
from gis_service.fieldwork.lookup import Facts
from gis_service.fieldwork.programmes import FieldProgramme, attribute_label
from gis_service.geography.models import LAO, District, Province, Subdistrict
from gis_service.programmes.models import ProgrammeSite
from gis_service.i18n import thai
from gis_service.programmes.validation import set_geometry, validate_site

MAX_CAPTURE_AGE = timedelta(days=30)
# Phones' clocks drift; a capture a few minutes "in the future" is a clock, not a forgery.
CLOCK_SKEW_ALLOWED = timedelta(minutes=5)


@dataclass
class Placement:
    """Where a submitted point lies and which of the officer's LAOs covers it (names included, for the answer)."""

    subdistrict: Subdistrict
    province: Province
    lao: LAO

    @property
    def lao_id(self) -> int:
        return self.lao.id


def check_place(facts: Facts, lon: float, lat: float, lao_code: str = "") -> Placement:
    """The point must lie in Thailand and in the area of an LAO the officer belongs to."""
    place, lao = facts.place, facts.lao
    if place is None:
        raise Refused(
            "location", "outside_thailand",
            f"The point ({lon:.6f}, {lat:.6f}) is not in Thailand (outside the country or at sea): "
            "check that location services are on and wait for a GPS fix.",
            f"ตำแหน่ง ({lon:.6f}, {lat:.6f}) ไม่อยู่ในประเทศไทย (อยู่นอกประเทศหรือในทะเล) "
            "กรุณาตรวจสอบว่าเปิดระบุตำแหน่งแล้ว และรอสัญญาณ GPS",
        )
    if lao is None:
        which_en = f"LAO {lao_code}" if lao_code else "any LAO you belong to"
        which_th = f"อปท. {lao_code}" if lao_code else "อปท. ที่ท่านสังกัด"
        raise Refused(
            "location", "outside_officer_lao",
            f"The point fell in subdistrict {place.subdistrict_en}, district {place.district_en}, "
            f"province {place.province_en} ({place.subdistrict_code}), "
            f"which is outside the area of {which_en}: register sites only in your LAO's area, "
            "or ask an administrator to add you to the LAO responsible here.",
            f"ตำแหน่งนี้อยู่ใน ตำบล{place.subdistrict_th} อำเภอ{place.district_th} จังหวัด{place.province_th} "
            f"({place.subdistrict_code}) "
            f"ซึ่งอยู่นอกพื้นที่ของ{which_th} กรุณาบันทึกเฉพาะในพื้นที่ของ อปท. ของท่าน "
            "หรือติดต่อผู้ดูแลระบบเพื่อเพิ่มสังกัด",
            place={"subdistrict": {"code": place.subdistrict_code, "name_th": place.subdistrict_th,
                                   "name_en": place.subdistrict_en},
                   "district": {"name_th": place.district_th, "name_en": place.district_en},
                   "province": {"name_th": place.province_th, "name_en": place.province_en}},
        )
    # Names only: these instances carry what the answer shows, so answering needs no further query.
    province = Province(id=place.province_id, name_th=place.province_th, name_en=place.province_en)
    district = District(id=place.district_id, name_th=place.district_th, name_en=place.district_en,
                        province=province)
    subdistrict = Subdistrict(id=place.subdistrict_id, code=place.subdistrict_code, name_th=place.subdistrict_th,
                              name_en=place.subdistrict_en, district=district, province=province)
    return Placement(subdistrict=subdistrict, province=province,
                     lao=LAO(id=lao.id, code=lao.code, name_th=lao.name_th, name_en=lao.name_en, province=province))


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


def refuse_invalid_site(exc: ValidationError, site: ProgrammeSite) -> Refused:
    """Turn the validation path's field errors into bilingual problems naming the attribute."""
    problems = []
    with translation.override("th"):
        thai_messages = exc.message_dict
    for field, messages in exc.message_dict.items():
        for message, message_th in zip(messages, thai_messages.get(field, messages)):
            problems.append({
                "field": f"attributes.{field}" if field not in ("geom", "__all__") else "location",
                "code": "invalid_attribute",
                "message_en": f"{field}: {message}",
                "message_th": f"{thai(attribute_label(type(site), field))} ไม่ถูกต้อง: {message_th}",
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
        raise refuse_invalid_site(exc, site)
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
        raise refuse_invalid_site(exc, site)
    return site


def unknown_attributes(programme: FieldProgramme, unknown: list[str], allowed: tuple[str, ...]) -> Refused:
    """An attribute the programme does not have: say which ones it does."""
    return Refused(
        "attributes", "unknown_attribute",
        f"A {programme.label_en.lower()} has no attribute {', '.join(unknown)} here; "
        f"use: {', '.join(allowed)}.",
        f"{programme.label_th}ไม่มีข้อมูล {', '.join(unknown)} ในที่นี้ ใช้ได้เฉพาะ: {', '.join(allowed)}",
    )
