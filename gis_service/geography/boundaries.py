"""Load the official boundaries (province, district, subdistrict) from the gzipped GeoJSON fixtures."""
import gzip
import json
from collections.abc import Callable, Collection, Iterator
from pathlib import Path

from django.conf import settings
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon
from django.db import transaction

from gis_service.geography.constants import WGS84
from gis_service.geography.models import District, Province, Subdistrict

BOUNDARY_DIR = Path(settings.FIXTURES_DIR) / "thailand"
LEVEL_FILES = {
    Province: "adm1_provinces.geojson.gz",
    District: "adm2_districts.geojson.gz",
    Subdistrict: "adm3_subdistricts.geojson.gz",
}
EXPECTED_COUNTS = {Province: 77, District: 928, Subdistrict: 7425}
BANGKOK_CODE = "TH10"
BANGKOK_DISTRICT_PREFIX = "เขต"


def read_features(path: Path) -> Iterator[dict]:
    """Yield the features of a gzipped GeoJSON FeatureCollection."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        yield from json.load(handle)["features"]


def as_multipolygon(geometry: dict) -> MultiPolygon:
    """GEOS MultiPolygon in WGS 84 from a GeoJSON geometry (Polygon promoted)."""
    geom = GEOSGeometry(json.dumps(geometry), srid=WGS84)
    return geom if isinstance(geom, MultiPolygon) else MultiPolygon(geom, srid=WGS84)


def boundaries_loaded() -> bool:
    """True when all three levels hold their full official counts."""
    return all(model.objects.count() == count for model, count in EXPECTED_COUNTS.items())


def district_name_th(props: dict) -> str:
    # The source drops the "เขต" prefix from 50 Bangkok district names; Thai readers expect it.
    name = props["ADM2_TH"]
    if props["ADM1_PCODE"] == BANGKOK_CODE and not name.startswith(BANGKOK_DISTRICT_PREFIX):
        name = BANGKOK_DISTRICT_PREFIX + name
    return name


@transaction.atomic
def load_boundaries(progress: Callable[[int], None] = lambda n: None, directory: Path = BOUNDARY_DIR,
                    provinces_only: Collection[str] | None = None) -> dict:
    """Load all three levels in one transaction (all or nothing); returns counts per level.

    `provinces_only` (province codes) loads just those provinces and their districts and subdistricts: the
    small fixture of the fast test run.
    """
    def wanted(props: dict) -> bool:
        return provinces_only is None or props["ADM1_PCODE"] in provinces_only

    provinces = [
        Province(code=p["ADM1_PCODE"], name_th=p["ADM1_TH"], name_en=p["ADM1_EN"], geom=as_multipolygon(f["geometry"]))
        for f in read_features(directory / LEVEL_FILES[Province])
        for p in [f["properties"]]
        if wanted(p)
    ]
    Province.objects.bulk_create(provinces, batch_size=100)
    progress(len(provinces))
    province_ids = dict(Province.objects.values_list("code", "id"))

    districts = [
        District(
            code=p["ADM2_PCODE"], name_th=district_name_th(p), name_en=p["ADM2_EN"],
            province_id=province_ids[p["ADM1_PCODE"]], geom=as_multipolygon(f["geometry"]),
        )
        for f in read_features(directory / LEVEL_FILES[District])
        for p in [f["properties"]]
        if wanted(p)
    ]
    District.objects.bulk_create(districts, batch_size=200)
    progress(len(districts))
    district_ids = dict(District.objects.values_list("code", "id"))

    batch: list[Subdistrict] = []
    total = 0
    for feature in read_features(directory / LEVEL_FILES[Subdistrict]):
        p = feature["properties"]
        if not wanted(p):
            continue
        batch.append(
            Subdistrict(
                code=p["ADM3_PCODE"], name_th=p["ADM3_TH"], name_en=p["ADM3_EN"],
                district_id=district_ids[p["ADM2_PCODE"]], province_id=province_ids[p["ADM1_PCODE"]],
                geom=as_multipolygon(feature["geometry"]),
            )
        )
        if len(batch) == 500:
            Subdistrict.objects.bulk_create(batch)
            total += len(batch)
            progress(len(batch))
            batch = []
    Subdistrict.objects.bulk_create(batch)
    progress(len(batch))
    total += len(batch)
    return {"provinces": len(provinces), "districts": len(districts), "subdistricts": total}
