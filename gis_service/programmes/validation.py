"""The one validation path for programme sites: admin, API, imports and field work all call it.

It checks what a person could get wrong (geometry type, validity, place, year, budget, status
transition, LAO) and derives what a person must never type (subdistrict, road length, code).
Every message says what was wrong and what to do about it; nothing is written on failure.
The geographic rules themselves (which subdistrict, which LAO) live in geography/queries.py.
"""
import math
import uuid
from functools import cache
from typing import TYPE_CHECKING

from django.contrib.gis.geos import GEOSGeometry, LineString, MultiLineString
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from gis_service.geography import queries
from gis_service.geography.constants import WGS84, to_common_era
from gis_service.geography.geometry_input import MISSING, WRONG_TYPE, GeometryInputError, read_geometry
from gis_service.geography.models import LAO, Subdistrict
from gis_service.programmes.rules import MAX_BUDGET_THB, MIN_PROGRAMME_YEAR_CE

if TYPE_CHECKING:  # for hints only: models.py imports this module to validate every save
    from gis_service.programmes.models import ProgrammeSite

# A site may be planned at most this many years ahead.
YEARS_AHEAD_ALLOWED = 5

# Which status may follow which: a site is not "planned" again once built, for example. Keyed by the values
# programmes.models.Status stores (that module imports this one, so it is not imported here); a test proves
# the table names every status and no other.
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    "planned": {"under_construction", "operational", "decommissioned"},
    "under_construction": {"operational", "needs_repair", "decommissioned"},
    "operational": {"needs_repair", "decommissioned"},
    "needs_repair": {"operational", "under_construction", "decommissioned"},
    "decommissioned": {"planned", "under_construction"},
}

# A road must lie in Thailand along (almost) all its length; this allows for rounding at borders.
ROAD_SHARE_INSIDE_THAILAND = 0.999

# Derived fields, never typed by a user and so never checked as input.
DERIVED_FIELDS = ["subdistrict", "length_m", "code", "created_by", "updated_by"]


@cache
def place_and_lao_sql(is_road: bool) -> str:
    """The statement reading where a site lies and whether its LAO serves there, in one round trip.

    It gives (length_m, subdistrict_id, inside_m, lao_exists, lao_serves): a point's subdistrict, or for a road
    its geodesic length, the subdistrict holding most of it and how much of it lies in Thailand; then whether
    the LAO exists and serves that place (a road's LAO serves the subdistrict holding most of it).
    """
    geometry = "ST_GeomFromEWKB(%(g)s)"
    if is_road:
        placement = (
            f"WITH road AS (SELECT {geometry} AS geom)"
            " SELECT ST_Length(road.geom::geography, true) AS length_m,"
            f" ({queries.subdistrict_of_line_sql('road.geom')}) AS subdistrict_id,"
            f" {queries.length_in_thailand_sql('road.geom')} AS inside_m FROM road"
        )
        serving = queries.laos_serving_subdistrict_sql("place.subdistrict_id")
    else:
        placement = (f"SELECT NULL::float AS length_m, ({queries.subdistrict_at_sql(geometry)}) AS subdistrict_id,"
                     " NULL::float AS inside_m")
        serving = queries.laos_serving_point_sql(geometry, subdistrict="place.subdistrict_id")
    return (
        f"WITH place AS ({placement}),\n"
        f"lao AS (SELECT id FROM {queries.table('lao')} WHERE id = %(lao_id)s)\n"
        "SELECT place.length_m, place.subdistrict_id, place.inside_m, lao.id IS NOT NULL AS lao_exists,"
        f" lao.id IN ({serving}) AS lao_serves\n"
        "FROM place LEFT JOIN lao ON true"
    )


def validate_site(site: "ProgrammeSite") -> None:
    """Check a site and fill its derived fields; raise ValidationError (by field) when it is wrong."""
    errors: dict[str, list[str]] = {}
    # An LAO id is looked up with the place (one query for both), so clean_fields need not fetch it too.
    lao_looked_up_with_place = isinstance(site.lao_id, int)
    exclude = DERIVED_FIELDS + ["geom"] + (["lao"] if lao_looked_up_with_place else [])
    try:
        site.clean_fields(exclude=exclude)
    except ValidationError as exc:
        errors.update(exc.message_dict)

    geom_error = _check_geometry(site)
    if geom_error:
        errors.setdefault("geom", []).append(geom_error)
    _derive_place_and_check_lao(site, geom_error is None, lao_looked_up_with_place, errors)
    _check_year(site, errors)
    _check_budget(site, errors)
    _check_status_transition(site, errors)
    _check_programme_rules(site, errors)
    if errors:
        raise ValidationError(errors)
    if not site.code:
        site.code = f"{site.CODE_PREFIX}-{uuid.uuid4().hex[:8].upper()}"


def set_geometry(site: "ProgrammeSite", value: GEOSGeometry | str | dict | None) -> None:
    """Assign a geometry given as GEOS, GeoJSON (text or dict) or WKT, refusing a wrong type clearly.

    GeoDjango raises a TypeError when a geometry of the wrong type is assigned; every writer
    (API, import, field form) goes through here instead, so the user gets a ValidationError.
    """
    try:
        site.geom = read_geometry(value, site.GEOMETRY_TYPES)
    except GeometryInputError as exc:
        if exc.reason == MISSING:
            message = _needs_location(site)
        elif exc.reason == WRONG_TYPE:
            message = _wrong_type(site, exc.geom_type)
        else:
            message = f"The geometry could not be read ({exc.detail}): give GeoJSON or WKT."
        raise ValidationError({"geom": [message]}) from None


def _needs_location(site: "ProgrammeSite") -> str:
    return f"A {site._meta.verbose_name} needs a location: give its geometry."


def _wrong_type(site: "ProgrammeSite", geom_type: str) -> str:
    return f"A {site._meta.verbose_name} must be a {' or '.join(site.GEOMETRY_TYPES)}, not a {geom_type}."


def _check_geometry(site: "ProgrammeSite") -> str | None:
    """Geometry present, of the programme's type, in lon/lat, valid and simple."""
    geom: GEOSGeometry | None = site.geom
    label = site._meta.verbose_name
    if geom is None:
        return _needs_location(site)
    if geom.geom_type not in site.GEOMETRY_TYPES:
        return _wrong_type(site, geom.geom_type)
    if geom.srid is None:
        geom.srid = WGS84
    elif geom.srid != WGS84:
        geom.transform(WGS84)
    if geom.empty:
        return f"The {label}'s geometry is empty: give its coordinates."
    for x, y, *_ in _coordinates(geom):
        if not (math.isfinite(x) and math.isfinite(y)) or not (-180 <= x <= 180 and -90 <= y <= 90):
            return f"Coordinate ({x}, {y}) is not a longitude/latitude: give WGS 84 degrees, longitude first."
    if not geom.valid:
        return f"The geometry is invalid ({geom.valid_reason}): redraw it without crossings or gaps."
    if geom.geom_type in ("LineString", "MultiLineString") and not geom.simple:
        return "The line crosses itself: redraw the road so that it does not self-intersect."
    if isinstance(geom, LineString):
        site.geom = MultiLineString(geom, srid=WGS84)
    footprint = getattr(site, "footprint", None)
    if footprint is not None and not footprint.valid:
        return f"The footprint polygon is invalid ({footprint.valid_reason}): redraw it."
    return None


def _coordinates(geom: GEOSGeometry):
    """Every vertex of a geometry, whatever its type."""
    if geom.geom_type == "Point":
        yield geom.coords
    elif geom.geom_type == "LineString":
        yield from geom.coords
    else:
        for part in geom:
            yield from _coordinates(part)


def _derive_place_and_check_lao(site: "ProgrammeSite", geometry_ok: bool, check_lao_exists: bool,
                                errors: dict[str, list[str]]) -> None:
    """Set the subdistrict (and a road's length) from the geometry and check the LAO serves it, in one query."""
    is_road = geometry_ok and site.geom.geom_type != "Point"
    # An id clean_fields refused (not a number) is not looked up: its error is already recorded.
    lao_id = site.lao_id if isinstance(site.lao_id, int) else None
    params = {"g": bytes(site.geom.ewkb) if geometry_ok else None, "lao_id": lao_id}
    with connection.cursor() as cursor:
        cursor.execute(place_and_lao_sql(is_road), params)
        length_m, subdistrict_id, inside_m, lao_exists, lao_serves = cursor.fetchone()
    if check_lao_exists and not lao_exists:
        errors.setdefault("lao", []).append(_missing_lao_message(site))
    if not geometry_ok:
        return
    place_error = _place_error(site, is_road, length_m, subdistrict_id, inside_m)
    if place_error:
        errors.setdefault("geom", []).append(place_error)
        return
    site.subdistrict_id = subdistrict_id
    if is_road:
        site.length_m = length_m
    if lao_exists and not lao_serves:
        errors.setdefault("lao", []).append(_lao_does_not_serve_message(site))


def _place_error(site: "ProgrammeSite", is_road: bool, length_m, subdistrict_id, inside_m) -> str | None:
    """Refuse places outside Thailand, and roads without length or partly abroad."""
    if not is_road:
        if subdistrict_id is None:
            lon, lat = site.geom.coords
            return (
                f"The point ({lon:.6f}, {lat:.6f}) falls in no subdistrict of Thailand: "
                "it is outside the country or at sea. Check the coordinates (longitude first)."
            )
        return None
    if subdistrict_id is None:
        return "The road lies in no subdistrict of Thailand: check the coordinates (longitude first)."
    if length_m <= 0:
        return "The road has no length: give at least two distinct points."
    if inside_m < ROAD_SHARE_INSIDE_THAILAND * length_m:
        return f"Part of the road ({length_m - inside_m:.0f} m of {length_m:.0f} m) lies outside Thailand."
    return None


def _missing_lao_message(site: "ProgrammeSite") -> str:
    """Django's own message for a foreign key to a row that does not exist (what clean_fields would say)."""
    field = site._meta.get_field("lao")
    return field.error_messages["invalid"] % {
        "model": field.remote_field.model._meta.verbose_name, "pk": site.lao_id,
        "field": field.remote_field.field_name, "value": site.lao_id,
    }


def _lao_does_not_serve_message(site: "ProgrammeSite") -> str:
    """Name the LAO and where the site lies, so the user can pick the LAO responsible (a refusal: rare, so queried)."""
    lao_code = LAO.objects.filter(pk=site.lao_id).values_list("code", flat=True).get()
    place = (
        Subdistrict.objects.select_related("district", "province")
        .only("code", "name_en", "district__name_en", "province__name_en")
        .get(pk=site.subdistrict_id)
    )
    return (
        f"LAO {lao_code} does not serve {place.name_en} ({place.code}), {place.district.name_en}, "
        f"{place.province.name_en}, where the site lies: choose the LAO responsible for that area."
    )


def _check_year(site: "ProgrammeSite", errors: dict[str, list[str]]) -> None:
    latest = timezone.now().year + YEARS_AHEAD_ALLOWED
    year = site.programme_year
    if year is not None and not (MIN_PROGRAMME_YEAR_CE <= year <= latest):
        hint = f" (that looks like a Buddhist Era year: use {to_common_era(year)})" if year > 2400 else ""
        errors.setdefault("programme_year", []).append(
            f"Programme year {year} is out of range: give a year in the Common Era between "
            f"{MIN_PROGRAMME_YEAR_CE} and {latest}{hint}."
        )


def _check_budget(site: "ProgrammeSite", errors: dict[str, list[str]]) -> None:
    budget = site.budget_thb
    if budget is not None and not (0 <= budget <= MAX_BUDGET_THB):
        errors.setdefault("budget_thb", []).append(
            f"Budget {budget} THB is out of range: give an amount between 0 and {MAX_BUDGET_THB:,} THB."
        )


def _check_status_transition(site: "ProgrammeSite", errors: dict[str, list[str]]) -> None:
    if site.pk is None:
        return
    previous = type(site).objects.filter(pk=site.pk).values_list("status", flat=True).first()
    if previous is None or previous == site.status:
        return
    if site.status not in ALLOWED_TRANSITIONS.get(previous, set()):
        allowed = ", ".join(sorted(ALLOWED_TRANSITIONS.get(previous, set())))
        errors.setdefault("status", []).append(
            f"A site cannot go from '{previous}' to '{site.status}'; from '{previous}' it can go to: {allowed}."
        )


def _check_programme_rules(site: "ProgrammeSite", errors: dict[str, list[str]]) -> None:
    """Date orderings specific to some programmes."""
    built, inspected = getattr(site, "construction_date", None), getattr(site, "last_inspection_date", None)
    if built and inspected and inspected < built:
        errors.setdefault("last_inspection_date", []).append("The last inspection cannot be before construction.")
    start, end = getattr(site, "active_from", None), getattr(site, "active_to", None)
    if start and end and end < start:
        errors.setdefault("active_to", []).append("The active period ends before it starts: swap the dates.")
