"""Reading the values planners type into their sheets: Thai digits, money in millions, Buddhist Era years, Thai
dates, Excel serial dates, coordinates in degrees, degrees-minutes-seconds or UTM.

Each reader returns the value and, when it had to change what was written to understand it, a fix saying exactly
what it did (shown in the dry run's report); it raises ValueError with a message a person can act on otherwise.
"""
import datetime as dt
import math
import re
from decimal import Decimal, InvalidOperation

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from gis_service.geography.constants import BUDDHIST_ERA_OFFSET, to_common_era

THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
BLANKS = {"", "-", "–", "—", "n/a", "na", "none", "null", "ไม่มี", "ไม่ระบุ", "#n/a"}
# Years a sheet may give: Common Era or Buddhist Era, four digits (or two, read as the Buddhist Era: "66").
CE_RANGE = range(1950, 2101)
BE_RANGE = range(CE_RANGE.start + BUDDHIST_ERA_OFFSET, CE_RANGE.stop + BUDDHIST_ERA_OFFSET)
THAI_MONTHS = {
    "มกราคม": 1, "มค": 1, "กุมภาพันธ์": 2, "กพ": 2, "มีนาคม": 3, "มีค": 3, "เมษายน": 4, "เมย": 4,
    "พฤษภาคม": 5, "พค": 5, "มิถุนายน": 6, "มิย": 6, "กรกฎาคม": 7, "กค": 7, "สิงหาคม": 8, "สค": 8,
    "กันยายน": 9, "กย": 9, "ตุลาคม": 10, "ตค": 10, "พฤศจิกายน": 11, "พย": 11, "ธันวาคม": 12, "ธค": 12,
}
# Excel counts days from 1899-12-30 (its 1900 leap-year bug included); serials of 1950-2100 are dates.
EXCEL_EPOCH = dt.date(1899, 12, 30)
EXCEL_SERIALS = range(18_264, 73_051)
MILLION_WORDS = ("ล้านบาท", "ล้าน", "million", "m")
THAILAND_LAT = (5.0, 21.0)
THAILAND_LON = (97.0, 106.0)


def is_blank(value) -> bool:
    """True for an empty cell or one of the ways sheets write "nothing"."""
    return value is None or (isinstance(value, str) and value.strip().lower() in BLANKS)


def text(value) -> str:
    """A cell as text: Thai digits kept, numbers without a trailing .0, spaces tidied."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


def _latin_digits(value: str) -> str:
    return value.translate(THAI_DIGITS)


def number(value) -> tuple[Decimal, str | None]:
    """A number written any way a sheet writes one: "1,250,000", "๑๒๓", "1.2 ล้านบาท", "12 500"."""
    if isinstance(value, bool):
        raise ValueError(_("a number is needed, not yes/no"))
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(_("a number is needed"))
        return Decimal(str(value)), None
    written = text(value)
    cleaned = _latin_digits(written).lower().replace(",", "").replace("บาท", "").replace("฿", "").strip()
    fix = None
    factor = Decimal(1)
    for word in MILLION_WORDS:
        if cleaned.endswith(word) and cleaned[: -len(word)].strip():
            cleaned, factor = cleaned[: -len(word)].strip(), Decimal(1_000_000)
            fix = format_lazy(_("read {written} as millions"), written=written)
            break
    cleaned = cleaned.replace(" ", "")
    try:
        result = Decimal(cleaned) * factor
    except InvalidOperation:
        raise ValueError(format_lazy(_("{written} is not a number"), written=written)) from None
    if not result.is_finite():
        raise ValueError(format_lazy(_("{written} is not a number"), written=written))
    if fix is None and written != cleaned and _latin_digits(written) != written:
        fix = format_lazy(_("Thai digits {written} read as {value}"), written=written, value=cleaned)
    return result, fix


def year(value) -> tuple[int, str | None]:
    """A programme year in the Common Era from a CE or BE year ("2566", "๒๕๖๖", "66", "ปีงบประมาณ 2566")."""
    written = text(value)
    digits = re.findall(r"\d+", _latin_digits(written))
    if len(digits) != 1:
        raise ValueError(format_lazy(_("{written} is not a year: write it as 2566 or 2023"), written=written))
    found = int(digits[0])
    if len(digits[0]) == 2:
        found += 2500
    if found in BE_RANGE:
        return to_common_era(found), format_lazy(_("Buddhist Era year {be} read as {ce}"), be=found,
                                                 ce=to_common_era(found))
    if found in CE_RANGE:
        return found, None
    raise ValueError(format_lazy(_("{written} is not a year: write it as 2566 or 2023"), written=written))


def date(value) -> tuple[dt.date, str | None]:
    """A date from a date cell, an Excel serial, ISO text or a Thai date ("15 ม.ค. 2566", "15/01/66")."""
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if int(value) in EXCEL_SERIALS:
            found = EXCEL_EPOCH + dt.timedelta(days=int(value))
            return found, format_lazy(_("Excel day number {serial} read as {date}"), serial=int(value), date=found)
        raise ValueError(format_lazy(_("{written} is not a date"), written=text(value)))
    written = text(value)
    plain = _latin_digits(written).replace(".", "").strip()
    try:
        return dt.date.fromisoformat(plain[:10]), None
    except ValueError:
        pass
    parts = re.split(r"[\s/\-]+", plain)
    if len(parts) == 3:
        day_text, month_text, year_text = parts
        month = THAI_MONTHS.get(month_text) or (int(month_text) if month_text.isdigit() else None)
        if day_text.isdigit() and month and year_text.isdigit():
            year_found = int(year_text) + (2500 if len(year_text) == 2 else 0)
            buddhist = year_found in BE_RANGE
            ce = to_common_era(year_found) if buddhist else year_found
            try:
                found = dt.date(ce, month, int(day_text))
            except ValueError:
                raise ValueError(format_lazy(_("{written} is not a date"), written=written)) from None
            fix = format_lazy(_("Thai date {written} read as {date}"), written=written, date=found) if (
                buddhist or not month_text.isdigit()) else None
            return found, fix
    raise ValueError(format_lazy(_("{written} is not a date: write it as 15/01/2566 or 2023-01-15"),
                                 written=written))


_DMS = re.compile(
    r"^\s*(?P<pre>[NSEW])?\s*(?P<deg>\d+(?:\.\d+)?)\s*(?:°|º|องศา|d|\s)\s*"
    r"(?:(?P<min>\d+(?:\.\d+)?)\s*(?:'|′|’|ลิปดา|m|\s)\s*)?"
    r"(?:(?P<sec>\d+(?:\.\d+)?)\s*(?:\"|″|”|''|ฟิลิปดา|s)?\s*)?(?P<post>[NSEW])?\s*$", re.IGNORECASE)
_DMS_WORDS = re.compile(r"ละติจูด|ลองจิจูด|ลติจูด|latitude|longitude|lat|lon|long", re.IGNORECASE)


def degrees(value) -> tuple[float, str | None]:
    """Decimal degrees from decimal text or degrees-minutes-seconds ("16°26'10.5\"N", "16 26 10.5 N")."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value), None
    written = text(value)
    plain = _DMS_WORDS.sub("", _latin_digits(written)).strip().replace(",", ".") if written.count(",") == 1 \
        and "." not in written else _DMS_WORDS.sub("", _latin_digits(written)).strip()
    try:
        return float(plain), None
    except ValueError:
        pass
    match = _DMS.match(plain)
    if not match or not match.group("deg"):
        raise ValueError(format_lazy(_("{written} is not a coordinate: write decimal degrees (16.4363) or "
                                       "degrees, minutes and seconds (16°26'10.5\"N)"), written=written))
    value_deg = float(match.group("deg")) + float(match.group("min") or 0) / 60 + float(match.group("sec") or 0) / 3600
    hemisphere = (match.group("pre") or match.group("post") or "").upper()
    if hemisphere in ("S", "W"):
        value_deg = -value_deg
    return round(value_deg, 7), format_lazy(_("{written} read as {value} degrees"), written=written,
                                            value=f"{value_deg:.6f}")


def coordinate_pair(value) -> tuple[tuple[float, float], str | None]:
    """(lat, lon) from one cell holding both, in either order ("16.43, 102.83", "102.83 16.43")."""
    written = text(value)
    parts = [part for part in re.split(r"[,;/]\s*|\s+(?=[\d\-+])", _latin_digits(written)) if part.strip()]
    if len(parts) != 2:
        raise ValueError(format_lazy(_("{written} is not a pair of coordinates: write latitude, longitude"),
                                     written=written))
    (first, fix_a), (second, fix_b) = degrees(parts[0]), degrees(parts[1])
    return (first, second), fix_a or fix_b


def in_thailand_order(lat: float, lon: float) -> tuple[float, float, str | None]:
    """(lat, lon) as Thailand's ranges tell them apart: swapped ones are put right, with a fix saying so."""
    if THAILAND_LAT[0] <= lon <= THAILAND_LAT[1] and THAILAND_LON[0] <= lat <= THAILAND_LON[1]:
        return lon, lat, str(format_lazy(_("latitude and longitude were swapped ({lat}, {lon}): put right"),
                                         lat=lat, lon=lon))
    return lat, lon, None
