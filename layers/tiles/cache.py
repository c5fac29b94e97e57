"""The server-side tile cache: Django's cache framework, keyed by the layers' data version.

A key names the database, the layers, the audience, the data version and the tile, so an edit
(which moves the version, see layers/versions.py) makes every older entry unreachable: nothing
is ever flushed, and nothing stale can be served. Old entries age out (TIMEOUT, culling, Redis
eviction). The cache is shared by every worker and server: a directory by default, Redis when
REDIS_URL is set (settings.CACHES["tiles"]); never per-process memory.
"""
import pickle
import random
import zlib

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache
from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from django.core.files import locks

TILE_CACHE_ALIAS = "tiles"


# Marks an entry holding raw bytes; a zlib stream (the stock format) never starts with a zero byte.
RAW_BYTES = b"\x00raw"


class TileFileCache(FileBasedCache):
    """Django's file cache, tuned for tiles: bytes kept as they are, and culling on one write in CULL_EVERY.

    The stock backend pickles and zlib-compresses every value, and decompressing is then the largest cost of
    serving a cached tile (an MVT is already compact); bytes are stored raw instead, after the same expiry
    header, and any other value the stock way. It also lists the whole directory on each `set` to decide
    whether to cull, which costs milliseconds once it holds tens of thousands of tiles.
    """

    CULL_EVERY = 500

    def _cull(self) -> None:
        if random.randrange(self.CULL_EVERY) == 0:
            super()._cull()

    def _write_content(self, file, timeout, value) -> None:
        if not isinstance(value, bytes):
            super()._write_content(file, timeout, value)
            return
        file.write(pickle.dumps(self.get_backend_timeout(timeout), self.pickle_protocol))
        file.write(RAW_BYTES)
        file.write(value)

    @staticmethod
    def _read_value(data: bytes):
        if data.startswith(RAW_BYTES):
            return data[len(RAW_BYTES):]
        return pickle.loads(zlib.decompress(data))

    def get(self, key, default=None, version=None):
        try:
            with open(self._key_to_file(key, version), "rb") as file:
                if not self._is_expired(file):
                    return self._read_value(file.read())
        except FileNotFoundError:
            pass
        return default

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        try:
            with open(self._key_to_file(key, version), "r+b") as file:
                try:
                    locks.lock(file, locks.LOCK_EX)
                    if self._is_expired(file):
                        return False
                    value = self._read_value(file.read())
                    file.seek(0)
                    file.truncate()
                    self._write_content(file, timeout, value)
                    return True
                finally:
                    locks.unlock(file)
        except FileNotFoundError:
            return False


class _ReusingRedisClient(RedisCacheClient):
    """Django's Redis client, keeping one redis.Redis per connection pool instead of one per call.

    Django builds a new redis.Redis object on every get; with redis-py 8 that costs about twice the
    network round trip of the GET itself, on the path that must be fastest.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(write))
        return client


class TileRedisCache(RedisCache):
    """Django's Redis cache backend with the client reused (see _ReusingRedisClient)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusingRedisClient


def _database_name() -> str:
    return str(settings.DATABASES["default"]["NAME"])


def tile_key(layer_ids: tuple[str, ...], scope: str, version: int, z: int, x: int, y: int) -> str:
    """The cache key of one tile of one version of these layers for one audience."""
    return f"{_database_name()}:{','.join(layer_ids)}:{scope}:{version}:{z}/{x}/{y}"


def get_tile(key: str) -> bytes | None:
    """The cached tile bytes under this key, or None."""
    if not settings.TILE_CACHE_ENABLED:
        return None
    return caches[TILE_CACHE_ALIAS].get(key)


def set_tile(key: str, tile: bytes) -> None:
    """Keep tile bytes under this key (an empty tile is kept too: it costs a query to find out)."""
    if settings.TILE_CACHE_ENABLED:
        caches[TILE_CACHE_ALIAS].set(key, tile)
