"""Population rasters: which ones exist, checking uploads, and people per unit (all and within reach)."""
import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import rasterio
from django.conf import settings
from rasterio.errors import RasterioIOError
from rasterio.features import rasterize
from rasterio.io import MemoryFile
from rasterio.warp import transform_bounds, transform_geom
from rasterio.windows import Window, from_bounds

from gis_service.coverage.errors import InvalidInput
from gis_service.geography.constants import WGS84, epsg

# Rasters the service ships; uploads are stored by their sha256 and referred to as "upload:<sha256>".
KNOWN_RASTERS: dict[str, dict] = {
    "region12_under5": {
        "path": Path(settings.FIXTURES_DIR) / "region12" / "under5_population_2020_520m_epsg32647.tif",
        "title_en": "Children under five, 2020 (Health Region 12: seven southern provinces)",
        "title_th": "เด็กอายุต่ำกว่า 5 ปี พ.ศ. 2563 (เขตสุขภาพที่ 12 เจ็ดจังหวัดภาคใต้)",
    },
}
UPLOAD_PREFIX = "upload:"
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
MAX_CELLS = 50_000_000


def upload_dir() -> Path:
    """Where uploaded rasters are kept (under MEDIA_ROOT)."""
    return Path(settings.MEDIA_ROOT) / "coverage" / "rasters"


def check_raster_bytes(data: bytes) -> None:
    """Refuse what is not a single- or multi-band GeoTIFF with a CRS and a sensible size."""
    if not data:
        raise InvalidInput("The population file is empty: upload a GeoTIFF of people per cell.", field="population")
    if len(data) > MAX_UPLOAD_BYTES:
        raise InvalidInput(f"The population file is larger than {MAX_UPLOAD_BYTES // 2**20} MB.", field="population")
    try:
        with MemoryFile(data) as memfile, memfile.open() as dataset:
            driver, crs, cells, count = dataset.driver, dataset.crs, dataset.width * dataset.height, dataset.count
            dtype = dataset.dtypes[0]
    except RasterioIOError:
        raise InvalidInput("The population file is not a raster GDAL can read: upload a GeoTIFF.",
                           field="population") from None
    if driver != "GTiff":
        raise InvalidInput(f"The population file is a {driver} raster, not a GeoTIFF: convert it to GeoTIFF.",
                           field="population")
    if crs is None:
        raise InvalidInput("The population GeoTIFF has no coordinate reference system: set one (e.g. EPSG:32647) "
                           "with gdal_edit.py -a_srs and upload it again.", field="population")
    if count < 1 or cells > MAX_CELLS or not np.issubdtype(np.dtype(dtype), np.number):
        raise InvalidInput(f"The population GeoTIFF must have a numeric band and at most {MAX_CELLS:,} cells.",
                           field="population")


def store_upload(data: bytes) -> str:
    """Check an uploaded raster and keep it; returns its reference."""
    check_raster_bytes(data)
    digest = hashlib.sha256(data).hexdigest()
    directory = upload_dir()
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{digest}.tif"
    if not path.exists():
        temporary = path.with_suffix(".part")
        temporary.write_bytes(data)
        temporary.replace(path)
    return UPLOAD_PREFIX + digest


def raster_path(reference: str) -> Path:
    """The file of a raster reference; InvalidInput when there is no such raster."""
    if reference in KNOWN_RASTERS:
        return KNOWN_RASTERS[reference]["path"]
    if reference.startswith(UPLOAD_PREFIX):
        digest = reference[len(UPLOAD_PREFIX):]
        path = upload_dir() / f"{digest}.tif"
        if len(digest) == 64 and all(c in "0123456789abcdef" for c in digest) and path.exists():
            return path
    raise InvalidInput(
        f"Unknown population raster '{reference}': choose {', '.join(KNOWN_RASTERS)} or upload a GeoTIFF.",
        field="population",
    )


def parse_population(raw: str | None) -> str | None:
    """A population reference from a request, checked to exist."""
    if raw is None or raw.strip() == "":
        return None
    reference = raw.strip()
    raster_path(reference)
    return reference


def raster_fingerprint(reference: str) -> str:
    """What identifies the raster's content in cache keys (uploads are named by their hash already)."""
    path = raster_path(reference)
    stat = path.stat()
    return f"{reference}:{stat.st_size}:{int(stat.st_mtime)}"


@dataclass
class PopulationGrid:
    """People per cell over a window of a raster, nodata and negatives as zero."""

    people: np.ndarray
    transform: rasterio.Affine
    crs: rasterio.crs.CRS

    @property
    def shape(self) -> tuple[int, int]:
        return self.people.shape

    @property
    def epsg(self) -> int | None:
        return self.crs.to_epsg()

    def bounds_lonlat(self) -> tuple[float, float, float, float]:
        """The grid's extent in lon/lat."""
        height, width = self.shape
        left, top = self.transform @ (0, 0)
        right, bottom = self.transform @ (width, height)
        return transform_bounds(self.crs, epsg(WGS84), min(left, right), min(top, bottom), max(left, right),
                                max(top, bottom), densify_pts=21)


def read_population(reference: str, bounds_lonlat: tuple[float, float, float, float] | None = None) -> PopulationGrid:
    """Read band 1 of a raster (only the window over the given lon/lat bounds, when given)."""
    with rasterio.open(raster_path(reference)) as dataset:
        window = Window(0, 0, dataset.width, dataset.height)
        if bounds_lonlat is not None:
            left, bottom, right, top = transform_bounds(epsg(WGS84), dataset.crs, *bounds_lonlat, densify_pts=21)
            wanted = from_bounds(left, bottom, right, top, dataset.transform).round_offsets().round_lengths()
            try:
                window = wanted.intersection(window)
            except rasterio.errors.WindowError:
                window = Window(0, 0, 0, 0)
        if window.width <= 0 or window.height <= 0:
            return PopulationGrid(np.zeros((0, 0)), dataset.transform, dataset.crs)
        band = dataset.read(1, window=window, masked=True)
        transform = dataset.window_transform(window)
        crs = dataset.crs
    people = np.ma.filled(band.astype("float64"), 0.0)
    people[~np.isfinite(people) | (people < 0)] = 0.0
    return PopulationGrid(people, transform, crs)


def to_grid_crs(geojson_geometries: list[dict], grid: PopulationGrid) -> list[dict]:
    """GeoJSON geometries in lon/lat, moved into the grid's CRS."""
    return [transform_geom(epsg(WGS84), grid.crs, geometry) for geometry in geojson_geometries]


def zone_grid(unit_geometries: list[dict], grid: PopulationGrid) -> np.ndarray:
    """Cell -> 1-based index of the unit whose geometry holds the cell centre (0: none), like rasterio.mask."""
    if not unit_geometries or grid.people.size == 0:
        return np.zeros(grid.shape, dtype="int32")
    shapes = ((geometry, index + 1) for index, geometry in enumerate(unit_geometries))
    return rasterize(shapes, out_shape=grid.shape, transform=grid.transform, fill=0, dtype="int32",
                     all_touched=False)


def cover_mask(cover_geometries: list[dict], grid: PopulationGrid) -> np.ndarray:
    """Cells whose centre lies within reach of a serving site."""
    if not cover_geometries or grid.people.size == 0:
        return np.zeros(grid.shape, dtype=bool)
    burned = rasterize(((geometry, 1) for geometry in cover_geometries), out_shape=grid.shape,
                       transform=grid.transform, fill=0, dtype="uint8", all_touched=False)
    return burned.astype(bool)


def people_by_zone(zones: np.ndarray, grid: PopulationGrid, covered: np.ndarray, unit_count: int) -> tuple:
    """(people, people within reach) per unit index 1..n, as arrays of length n + 1 (index 0: outside)."""
    people = np.bincount(zones.ravel(), weights=grid.people.ravel(), minlength=unit_count + 1)
    reached = np.bincount(zones.ravel(), weights=(grid.people * covered).ravel(), minlength=unit_count + 1)
    return people, reached
