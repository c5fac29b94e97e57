"""Helpers for the tile tests: read MVT with GDAL's MVT driver, find the tile of a point."""
import json
import math
import subprocess
import tempfile
from pathlib import Path

from django.contrib.gis.gdal import DataSource
from django.contrib.gis.geos import GEOSGeometry


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    """Column and row of the Web Mercator tile holding a point at zoom z."""
    n = 2**z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def decode_tile(content: bytes, z: int, x: int, y: int) -> dict[str, list[dict]]:
    """Features of each layer of an MVT tile, read by GDAL (ogr2ogr): properties, `mvt_id`, `_lonlat`."""
    if not content:
        return {}
    with tempfile.TemporaryDirectory() as folder:
        # GDAL georeferences a tile from a .../z/x/y.mvt path.
        path = Path(folder, str(z), str(x), f"{y}.mvt")
        path.parent.mkdir(parents=True)
        path.write_bytes(content)
        layers = {}
        for layer in DataSource(str(path)):
            collection = json.loads(subprocess.run(
                ["ogr2ogr", "-f", "GeoJSON", "-t_srs", "EPSG:4326", "/vsistdout/", str(path), layer.name],
                check=True, capture_output=True,
            ).stdout)
            features = []
            for feature in collection["features"]:
                props = dict(feature["properties"])
                geom = GEOSGeometry(json.dumps(feature["geometry"]))
                point = geom if geom.geom_type == "Point" else geom.centroid
                props["_lonlat"] = (point.x, point.y)
                props["_geom_type"] = geom.geom_type
                features.append(props)
            layers[layer.name] = features
        return layers
