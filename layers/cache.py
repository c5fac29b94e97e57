"""The server-side tile cache: Django's cache framework, keyed by the layers' data version.

A key names the database, the layers, the audience, the data version and the tile, so an edit
(which moves the version, see layers/versions.py) makes every older entry unreachable: nothing
is ever flushed, and nothing stale can be served. Old entries age out (TIMEOUT, culling, Redis
eviction). The cache is shared by every worker and server: a directory by default, Redis when
REDIS_URL is set (settings.CACHES["tiles"]); never per-process memory.
"""
import random

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache

TILE_CACHE_ALIAS = "tiles"


class TileFileCache(FileBasedCache):
    """Django's file cache, culling on one write in CULL_EVERY instead of on every write.

    The stock backend lists the whole directory on each `set` to decide whether to cull, which
    costs milliseconds once it holds tens of thousands of tiles.
    """

    CULL_EVERY = 500

    def _cull(self) -> None:
        if random.randrange(self.CULL_EVERY) == 0:
            super()._cull()


def _database_name() -> str:
    return str(settings.DATABASES["default"]["NAME"])


def tile_key(layer_ids: tuple[str, ...], scope: str, version: int, z: int, x: int, y: int) -> str:
    """The cache key of one tile of one version of these layers for one audience."""
    return f"{_database_name()}:{','.join(layer_ids)}:{scope}:{version}:{z}/{x}/{y}"


def get_tile(key: str) -> bytes | None:
    """The cached tile bytes under this key, or None."""
    return caches[TILE_CACHE_ALIAS].get(key)


def set_tile(key: str, tile: bytes) -> None:
    """Keep tile bytes under this key (an empty tile is kept too: it costs a query to find out)."""
    caches[TILE_CACHE_ALIAS].set(key, tile)
