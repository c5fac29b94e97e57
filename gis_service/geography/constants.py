"""The numbers of Thai geography the service relies on, declared once: SRIDs, UTM zones, the Buddhist Era."""

# Every geometry is stored in WGS 84 longitude/latitude.
WGS84 = 4326
# Web Mercator: the vector tiles' grid.
WEB_MERCATOR = 3857
# Thailand spans two UTM zones; areas and distances in metres are measured in the zone a place lies in.
UTM_47N = 32647
UTM_48N = 32648
# Zones 47 (96°E to 102°E) and 48 (102°E to 108°E) meet on this meridian.
UTM_ZONE_BOUNDARY_LON = 102.0

# Thai documents count years in the Buddhist Era: BE = CE + 543 (2567 BE is 2024 CE).
BUDDHIST_ERA_OFFSET = 543


def epsg(srid: int) -> str:
    """The "EPSG:n" name of an SRID, as PROJ and rasterio spell it."""
    return f"EPSG:{srid}"


def to_buddhist_era(year_ce: int) -> int:
    """The Buddhist Era year of a Common Era year."""
    return year_ce + BUDDHIST_ERA_OFFSET


def to_common_era(year_be: int) -> int:
    """The Common Era year of a Buddhist Era year."""
    return year_be - BUDDHIST_ERA_OFFSET
