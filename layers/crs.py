"""Coordinate reference systems the layers are served in (OGC API – Features Part 2), and their axis orders.

Core code (feature SQL, exports) reads them here; the OGC API turns a name it cannot find into its 400.
"""
from dataclasses import dataclass

from gis_service.geography.constants import UTM_47N, UTM_48N, WEB_MERCATOR, WGS84

CRS84_URI = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"


@dataclass(frozen=True)
class Crs:
    """A CRS we can serve: its URI, PostGIS SRID, whether the URI's axis order is lat/lon, and output precision."""

    uri: str
    srid: int
    lat_first: bool
    decimals: int
    # Limits of the first two (x, y as the URI orders them) coordinates a bbox may use.
    axis_limits: tuple[tuple[float, float], tuple[float, float]] | None = None

    @property
    def header(self) -> str:
        """The `Content-Crs` header value."""
        return f"<{self.uri}>"


def _epsg(code: int) -> str:
    return f"http://www.opengis.net/def/crs/EPSG/0/{code}"


SUPPORTED: tuple[Crs, ...] = (
    Crs(CRS84_URI, WGS84, lat_first=False, decimals=7, axis_limits=((-180, 180), (-90, 90))),
    # EPSG:4326 as OGC defines it is latitude first; CRS84 is the lon/lat default of GeoJSON.
    Crs(_epsg(WGS84), WGS84, lat_first=True, decimals=7, axis_limits=((-90, 90), (-180, 180))),
    Crs(_epsg(WEB_MERCATOR), WEB_MERCATOR, lat_first=False, decimals=2),
    Crs(_epsg(UTM_47N), UTM_47N, lat_first=False, decimals=2),
    Crs(_epsg(UTM_48N), UTM_48N, lat_first=False, decimals=2),
)
CRS84 = SUPPORTED[0]
_BY_URI = {crs.uri: crs for crs in SUPPORTED}
# Short spellings people type ("EPSG:n" for each EPSG CRS); the URIs above are what the API advertises.
_ALIASES = {"CRS84": CRS84, "OGC:CRS84": CRS84, "[OGC:CRS84]": CRS84,
            **{f"EPSG:{crs.srid}": crs for crs in SUPPORTED[1:]}}


def find_crs(value: str) -> Crs | None:
    """The supported CRS named by a URI (with or without <>, http or https) or a short name; None otherwise."""
    text = value.strip().strip("<>")
    return _BY_URI.get(text) or _ALIASES.get(text.upper()) or _BY_URI.get(text.replace("https://", "http://"))
