"""Find an LAO of the register by name as people write it: with or without its type's prefix, abbreviated or
spelled out, spaced any way, optionally narrowed by province or district, or by its code."""
import re

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Replace

from gis_service.geography.models import LAO

K = LAO.Kind
# Longest first, so "เทศบาลตำบล" is not read as "เทศบาล" + "ตำบล...".
PREFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("องค์การบริหารส่วนจังหวัด", (K.PROVINCIAL,)),
    ("องค์การบริหารส่วนตำบล", (K.SAO,)),
    ("เทศบาลนคร", (K.CITY_MUNICIPALITY,)),
    ("เทศบาลเมือง", (K.TOWN_MUNICIPALITY,)),
    ("เทศบาลตำบล", (K.SUBDISTRICT_MUNICIPALITY,)),
    ("เทศบาล", (K.CITY_MUNICIPALITY, K.TOWN_MUNICIPALITY, K.SUBDISTRICT_MUNICIPALITY)),
    ("อบจ.", (K.PROVINCIAL,)), ("อบต.", (K.SAO,)), ("ทน.", (K.CITY_MUNICIPALITY,)),
    ("ทม.", (K.TOWN_MUNICIPALITY,)), ("ทต.", (K.SUBDISTRICT_MUNICIPALITY,)),
    # Written without the dot as often as with it.
    ("อบจ", (K.PROVINCIAL,)), ("อบต", (K.SAO,)), ("ทน", (K.CITY_MUNICIPALITY,)),
    ("ทม", (K.TOWN_MUNICIPALITY,)), ("ทต", (K.SUBDISTRICT_MUNICIPALITY,)),
)
# Whitespace of every kind Thai text carries, the zero-width space among it.
SPACES = re.compile(r"[\s\u200b\u200c\u200d\ufeff]+")
CODE = re.compile(r"^\d{7}$|^BMA$")
# Bangkok's own abbreviation names it alone.
ALIASES = {"กทม.": "BMA", "กทม": "BMA"}


def compact(text: str) -> str:
    """`text` without any whitespace: Thai names are spaced, or not, at the writer's whim."""
    return SPACES.sub("", text or "")


def split_prefix(name: str) -> tuple[str, tuple[str, ...]]:
    """(the bare name, the kinds its prefix names) of a compacted name; no kinds when it has no prefix."""
    for prefix, kinds in PREFIXES:
        rest = name[len(prefix):]
        # An undotted abbreviation (ทม) may be the start of a name itself: find_laos tries it only as a fallback.
        if name.startswith(prefix) and rest and (prefix.endswith(".") or len(prefix) > 4):
            return rest.lstrip("."), kinds
    return name, ()


def find_laos(name: str, province: str | None = None, district: str | None = None,
              include_inactive: bool = False) -> list[LAO]:
    """The register's LAOs a written name (or a code) may mean, the likeliest first; empty when none.

    `province` and `district` are codes (TH30, TH3001) or Thai names. A name without a prefix matches every type
    of that name (a province's อบจ. and its city municipality may share one): the caller chooses.
    """
    wanted = ALIASES.get(compact(name), compact(name))
    laos = LAO.objects.filter(generated=False).select_related("province", "district")
    if not include_inactive:
        laos = laos.filter(active=True)
    laos = _narrowed(laos, province, district)
    if CODE.match(wanted):
        return list(laos.filter(code=wanted))
    bare, kinds = split_prefix(wanted)
    laos = laos.annotate(name_compact=Replace("name_th", Value(" "), Value("")),
                         full_compact=Replace("full_name_th", Value(" "), Value("")))
    matches = laos.filter(Q(name_compact=bare) | Q(full_compact=wanted))
    if kinds:
        matches = matches.filter(kind__in=kinds)
    elif not matches.exists():
        # An undotted abbreviation read as part of the name ("ทมบ้านใหม่"): try it as a prefix after all.
        for prefix, prefix_kinds in PREFIXES:
            if wanted.startswith(prefix) and len(wanted) > len(prefix):
                matches = laos.filter(name_compact=wanted[len(prefix):], kind__in=prefix_kinds)
                if matches.exists():
                    break
    return list(matches.order_by("code"))


def _narrowed(laos: QuerySet, province: str | None, district: str | None) -> QuerySet:
    if province:
        province = compact(province).removeprefix("จังหวัด").removeprefix("จ.")
        laos = laos.filter(Q(province__code=province) | Q(province__code=f"TH{province}")
                           | Q(province__name_th=province) | Q(province__name_en__iexact=province))
    if district:
        district = compact(district).removeprefix("อำเภอ").removeprefix("อ.")
        laos = laos.filter(Q(district__code=district) | Q(district__code=f"TH{district}")
                           | Q(district__name_th=district) | Q(district__name_th=f"เขต{district}")
                           | Q(district__name_en__iexact=district))
    return laos
