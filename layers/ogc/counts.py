"""`numberMatched` of `/items`: exact, counted once per data version, filter and audience.

The count is cached in Django's default cache under a key naming the database, the layer, the data
version of every table the layer shows (layers/versions.py: triggers move it on every write, and
never back), the audience's visible queryset and the filter parameters as sent. A write makes a new
key, so a cached count is never stale. The version, the count and the page are read in one
REPEATABLE READ snapshot (`read_snapshot`), so the count is exact for the data the page shows.
"""
import functools
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import QuerySet

from layers.features import Audience
from layers.registry import Layer, get_layer
from layers.versions import layer_tables, table_versions

COUNT_TIMEOUT_S = 24 * 3600


@contextmanager
def read_snapshot() -> Iterator[None]:
    """A read-only REPEATABLE READ transaction: every statement inside sees the same committed data.

    Inside an open transaction (tests, or a caller's atomic block) that transaction is used as it is.
    """
    if connection.in_atomic_block:
        yield
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


@functools.cache
def _tables(layer_id: str) -> tuple[str, ...]:
    return layer_tables(get_layer(layer_id))


def count_key(layer: Layer, audience: Audience, filter_key: tuple) -> str | None:
    """The cache key of a count at the current data version; None when a table has no version yet."""
    versions = table_versions(_tables(layer.id))
    if not all(versions.values()):
        # A table without a version row (no trigger installed) could change unseen: never cache it.
        return None
    identity = repr((settings.DATABASES["default"]["NAME"], layer.id, sorted(versions.items()),
                     audience.key, filter_key))
    return "ogc-count:" + hashlib.sha256(identity.encode()).hexdigest()


def matched_count(layer: Layer, audience: Audience, matching: QuerySet, filter_key: tuple) -> int:
    """How many features `matching` (the audience's rows, filtered by `filter_key`) holds, cached by data version."""
    key = count_key(layer, audience, filter_key)
    count = cache.get(key) if key else None
    if count is None:
        count = matching.count()
        if key:
            cache.set(key, count, COUNT_TIMEOUT_S)
    return count
