"""Which column of a planner's sheet holds what: headers in Thai or English (or both), with or without units.

A programme's own attributes are recognised by their field names and their verbose names in both languages (the
model and the gettext catalogue are the one home of those words); the columns every sheet may have beside them
(coordinates, place names, the LAO) carry the synonyms below.
"""
import re

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from gis_service.i18n import english, thai
from gis_service.programmes.registry import Programme

# Targets that are not model fields: where a site lies and who built it, as sheets write them.
LOCATION_TARGETS = {
    "lat": ("lat", "latitude", "ละติจูด", "ลติจูด", "พิกัดละติจูด", "y(lat)", "พิกัดy"),
    "lon": ("lon", "lng", "long", "longitude", "ลองจิจูด", "ลองติจูด", "พิกัดลองจิจูด", "x(lon)", "พิกัดx"),
    "latlon": ("พิกัด", "coordinates", "coordinate", "latlon", "latlong", "lat/lon", "lat,lon", "latlng",
               "พิกัดภูมิศาสตร์", "ตำแหน่ง", "location", "lonlat", "lon/lat", "lon,lat"),
    "x": ("x",),
    "y": ("y",),
    "easting": ("easting", "east", "e", "utme", "utmeasting", "อีสติ้ง", "พิกัดe"),
    "northing": ("northing", "north", "n", "utmn", "utmnorthing", "นอร์ทติ้ง", "พิกัดn"),
    "zone": ("zone", "utmzone", "โซน", "โซนutm"),
    "wkt": ("wkt", "geometry", "geom", "the_geom", "shape"),
    "lao": ("lao", "laocode", "อปท", "รหัสอปท", "ชื่ออปท", "อปทที่รับผิดชอบ", "องค์กรปกครองส่วนท้องถิ่น",
            "หน่วยงาน", "หน่วยงานรับผิดชอบ", "ผู้รับผิดชอบ", "responsiblelao"),
    "subdistrict": ("subdistrict", "tambon", "ตำบล", "ตำบล/แขวง", "แขวง"),
    "district": ("district", "amphoe", "อำเภอ", "อำเภอ/เขต", "เขต"),
    "province": ("province", "changwat", "จังหวัด"),
}
# What the page calls those targets (the model's verbose names title the others).
LOCATION_TITLES = {
    "lat": _("Latitude"), "lon": _("Longitude"), "latlon": _("Coordinates (latitude, longitude)"), "x": "X",
    "y": "Y", "easting": _("UTM easting"), "northing": _("UTM northing"), "zone": _("UTM zone"),
    "wkt": _("Geometry (WKT)"), "lao": _("LAO (name or code)"), "subdistrict": _("Subdistrict"),
    "district": _("District"), "province": _("Province"),
}
# Words sheets use for the fields every site shares, beyond the fields' own names and titles.
SHARED_SYNONYMS = {
    "code": ("code", "sitecode", "รหัส", "รหัสจุด", "รหัสโครงการ", "id", "fid"),
    "name_th": ("name", "ชื่อ", "ชื่อโครงการ", "ชื่อจุด", "ชื่อสถานที่", "ชื่อภาษาไทย", "ชื่อ(ไทย)", "ชื่อไทย"),
    "name_en": ("ชื่อภาษาอังกฤษ", "englishname", "nameenglish"),
    "status": ("สถานะ", "สภาพการใช้งาน", "status"),
    "programme_year": ("ปีงบประมาณ", "ปีงบ", "ปี", "ปีโครงการ", "ปีที่ดำเนินการ", "year", "fiscalyear",
                       "programmeyear"),
    "budget_thb": ("งบประมาณ", "budget", "งบ", "วงเงิน", "งบประมาณที่ได้รับ", "budgetthb"),
    "published": ("เผยแพร่", "published", "public"),
    "gps_accuracy_m": ("ความแม่นยำ", "accuracy"),
}
SHARED_FIELDS = ("code", "name_th", "name_en", "status", "programme_year", "budget_thb", "published",
                 "gps_accuracy_m")


def normalise(header: str, keep_brackets: bool = False) -> str:
    """A header as compared: lower case, units in brackets ("งบประมาณ (บาท)") and spaces and punctuation dropped."""
    header = str(header or "").lower()
    if not keep_brackets:
        header = re.sub(r"[\(\[（].*?[\)\]）]", "", header)
    return re.sub(r"[\s._\-:*#()\[\]（）]+", "", header)


def target_words(programme: Programme) -> dict[str, set[str]]:
    """Every target of a programme's sheet and the normalised headers that mean it.

    A field's title counts without its brackets ("ความลึก (ม.)" as "ความลึก") unless that would make it another
    field's too ("name (Thai)" and "name (English)" both read "name"): then only with them.
    """
    words: dict[str, set[str]] = {key: {normalise(w) for w in synonyms} for key, synonyms in LOCATION_TARGETS.items()}
    model = programme.model
    titles = {}
    for name in SHARED_FIELDS + tuple(programme.attribute_names):
        verbose = model._meta.get_field(name).verbose_name
        titles[name] = [english(verbose), thai(verbose)]
        words[name] = {normalise(name)} | {normalise(w) for w in SHARED_SYNONYMS.get(name, ())}
        words[name] |= {normalise(title, keep_brackets=True) for title in titles[name]}
    loose = [normalise(title) for names in titles.values() for title in names]
    for name, names in titles.items():
        words[name] |= {normalise(t) for t in names if loose.count(normalise(t)) == 1}
    return words


def recognise(headers: list[str], programme: Programme) -> dict[str, int]:
    """Target -> column index for the headers recognised; each column is used once, the first match wins.

    A header naming two things ("ชื่อ / Name") matches through either part; a header is compared whole (brackets
    kept) before it is compared without its brackets.
    """
    words = target_words(programme)
    mapping: dict[str, int] = {}
    for index, header in enumerate(headers):
        parts = re.split(r"[/|]", str(header or "")) if re.search(r"\s[/|]\s", str(header or "")) else []
        for candidates in ([normalise(header, keep_brackets=True)], [normalise(header)],
                           [normalise(part) for part in parts]):
            target = next((t for t, known in words.items() if t not in mapping
                           and any(c and c in known for c in candidates)), None)
            if target:
                mapping[target] = index
                break
    return mapping


def target_titles(programme: Programme) -> dict[str, str]:
    """Target -> its title (lazy, in the active language), in the order a page lists them."""
    titles = dict(LOCATION_TITLES)
    for name in SHARED_FIELDS + tuple(programme.attribute_names):
        titles[name] = capfirst(programme.model._meta.get_field(name).verbose_name)
    return titles


def header_score(cells: list, programme: Programme) -> int:
    """How many cells of a row read as headers: the header row is the best-scoring of a sheet's first rows."""
    return len(recognise([str(cell or "") for cell in cells], programme))
