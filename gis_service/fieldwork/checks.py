"""The checks a field submission must pass: place, LAO, accuracy, capture time, attributes (duplicates: lookup.py)."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gis_service.fieldwork.errors import Refused
from gis_service.fieldwork.lookup import Facts
from gis_service.fieldwork.programmes import FieldProgramme, attribute_label
from gis_service.geography.models import LAO, District, Province, Subdistrict
from gis_service.i18n import by_language, english, thai
from gis_service.programmes.models import ProgrammeSite
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
            format_lazy(_("The point ({lon:.6f}, {lat:.6f}) is not in Thailand (outside the country or at sea): "
                          "check that location services are on and wait for a GPS fix."), lon=lon, lat=lat),
            code="outside_thailand", field="location",
        )
    if lao is None:
        which = format_lazy(_("LAO {code}"), code=lao_code) if lao_code else _("any LAO you belong to")
        raise Refused(
            format_lazy(
                _("The point fell in subdistrict {subdistrict}, district {district}, province {province} ({code}), "
                  "which is outside the area of {which}: register sites only in your LAO's area, "
                  "or ask an administrator to add you to the LAO responsible here."),
                subdistrict=by_language(place.subdistrict_en, place.subdistrict_th),
                district=by_language(place.district_en, place.district_th),
                province=by_language(place.province_en, place.province_th),
                code=place.subdistrict_code, which=which,
            ),
            code="outside_officer_lao", field="location",
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
                     lao=LAO(id=lao.id, code=lao.code, name_th=lao.name_th, full_name_th=lao.name_th,
                             name_en=lao.name_en, province=province))


def check_accuracy(programme: FieldProgramme, accuracy_m: float, accuracy_note: str) -> list[dict]:
    """Refuse a fix worse than the programme's limit; flag one that is merely weak."""
    if accuracy_m > programme.refuse_above_m:
        raise Refused(
            format_lazy(_("The GPS accuracy is {accuracy_m:.0f} m; a {programme} needs {limit_m:.0f} m or better. "
                          "Move into the open, wait for a better fix and send again."),
                        accuracy_m=accuracy_m, programme=programme_name(programme), limit_m=programme.refuse_above_m),
            code="accuracy_too_poor", field="accuracy_m",
        )
    if accuracy_m > programme.flag_above_m:
        weak = format_lazy(_("GPS accuracy {accuracy_m:.0f} m is worse than {limit_m:.0f} m"),
                           accuracy_m=accuracy_m, limit_m=programme.flag_above_m)
        if accuracy_note:
            weak = format_lazy(_("{flag}; the officer's reason: {note}"), flag=weak, note=accuracy_note)
        return [flag("low_accuracy", weak)]
    return []


def check_capture_time(captured_at: datetime, now: datetime | None = None) -> None:
    """The capture time may be neither in the future nor older than 30 days."""
    now = now or timezone.now()
    if captured_at > now + CLOCK_SKEW_ALLOWED:
        raise Refused(
            format_lazy(_("The capture time {captured_at} is in the future: set the phone's date and time "
                          "to automatic and capture again."), captured_at=captured_at.isoformat()),
            code="captured_in_future", field="captured_at",
        )
    if captured_at < now - MAX_CAPTURE_AGE:
        raise Refused(
            format_lazy(_("The capture time {captured_on} is more than {days} days ago: "
                          "visit the site again and capture a fresh position."),
                        captured_on=captured_at.date().isoformat(), days=MAX_CAPTURE_AGE.days),
            code="captured_too_long_ago", field="captured_at",
        )


def programme_name(programme: FieldProgramme) -> Promise:
    """The programme's name as a message uses it: lower case in English ("a groundwater bank"), as is in Thai."""
    return by_language(programme.label_en.lower(), programme.label_th)


def flag(code: str, message: str | Promise) -> dict:
    """A reason for the reviewer to look closely, in both languages."""
    return {"code": code, "message_en": english(message), "message_th": thai(message)}


def refuse_invalid_site(exc: ValidationError, site: ProgrammeSite) -> Refused:
    """Turn the validation path's field errors into bilingual problems naming the attribute."""
    problems = []
    with translation.override("th"):
        thai_messages = exc.message_dict
    for field, messages in exc.message_dict.items():
        for message, message_th in zip(messages, thai_messages.get(field, messages), strict=True):
            problems.append(Refused(
                format_lazy(pgettext_lazy("invalid site attribute", "{attribute}: {problem}"),
                            attribute=by_language(field, attribute_label(type(site), field)),
                            problem=by_language(message, message_th)),
                code="invalid_attribute",
                field=f"attributes.{field}" if field not in ("geom", "__all__") else "location",
            ))
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
        raise refuse_invalid_site(exc, site) from exc
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
        raise refuse_invalid_site(exc, site) from exc
    return site


def unknown_attributes(programme: FieldProgramme, unknown: list[str], allowed: tuple[str, ...]) -> Refused:
    """An attribute the programme does not have: say which ones it does."""
    return Refused(
        format_lazy(_("A {programme} has no attribute {unknown} here; use: {allowed}."),
                    programme=programme_name(programme), unknown=", ".join(unknown), allowed=", ".join(allowed)),
        code="unknown_attribute", field="attributes",
    )
