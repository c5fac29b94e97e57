"""Data versions of the layers: one number per programme table that every write moves.

PostgreSQL triggers (statement level, AFTER INSERT/UPDATE/DELETE/TRUNCATE) bump the row of the
written table, so admin, API, imports, field submissions, raw SQL and the generator all move
it without any Python hook. Caches key on the version, so they can never serve stale data.

Versions come from one database sequence that starts at the clock (milliseconds) when the
table is created: they only ever grow, are unique across layers (so the greatest version of
a set of layers changes whenever any of them changes) and do not restart at 1 when a database
is recreated, so a cache directory that outlives a database cannot match a new one by chance.
"""
from collections.abc import Iterable
from functools import cache

from django.db import connection

from gis_service.prepared import fetch_prepared

VERSION_TABLE = "layers_data_version"
VERSION_SEQUENCE = "layers_data_version_seq"
BUMP_FUNCTION = "layers_bump_data_version"

# Statement level: a bulk insert of 10,000 wells moves the version once, not 10,000 times.
_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS {trigger} ON {table};
CREATE TRIGGER {trigger}
  AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
  FOR EACH STATEMENT EXECUTE FUNCTION {function}();
INSERT INTO {version_table} (table_name, version) VALUES ('{table}', nextval('{sequence}'))
  ON CONFLICT (table_name) DO NOTHING;
"""

CREATE_SQL = f"""
CREATE SEQUENCE IF NOT EXISTS {VERSION_SEQUENCE};
SELECT setval('{VERSION_SEQUENCE}', (extract(epoch FROM clock_timestamp()) * 1000)::bigint);
CREATE TABLE IF NOT EXISTS {VERSION_TABLE} (
  table_name text PRIMARY KEY,
  version bigint NOT NULL,
  changed_at timestamptz NOT NULL DEFAULT now()
);
CREATE OR REPLACE FUNCTION {BUMP_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO {VERSION_TABLE} AS v (table_name, version, changed_at)
    VALUES (TG_TABLE_NAME, nextval('{VERSION_SEQUENCE}'), now())
    ON CONFLICT (table_name)
    DO UPDATE SET version = EXCLUDED.version, changed_at = EXCLUDED.changed_at;
  RETURN NULL;
END $$;
"""

VERSION_SQL = f"SELECT table_name, version FROM {VERSION_TABLE} WHERE table_name = ANY($1::text[])"

DROP_SQL = f"""
DROP TABLE IF EXISTS {VERSION_TABLE};
DROP SEQUENCE IF EXISTS {VERSION_SEQUENCE};
"""


def version_trigger_sql(table: str) -> str:
    """SQL that installs the version trigger on one table (for a migration of a new layer)."""
    if not table.replace("_", "").isalnum():
        raise ValueError(f"not a plain table name: {table!r}")
    return _TRIGGER_SQL.format(
        table=table,
        trigger=trigger_name(table),
        function=BUMP_FUNCTION,
        version_table=VERSION_TABLE,
        sequence=VERSION_SEQUENCE,
    )


def trigger_name(table: str) -> str:
    """The name of a table's data-version trigger."""
    return f"{table}_data_version"


def drop_trigger_sql(table: str) -> str:
    """SQL that removes the version trigger from one table (migration reverse)."""
    return f"DROP TRIGGER IF EXISTS {trigger_name(table)} ON {table};"


def table_versions(tables: Iterable[str]) -> dict[str, int]:
    """Current data version of each table (0 for a table that has none yet), one indexed read."""
    names = list(tables)
    found = dict(fetch_prepared("layers_versions", VERSION_SQL, [names]))
    return {name: found.get(name, 0) for name in names}


def layer_tables(layer) -> tuple[str, ...]:
    """Tables whose data a layer shows: its own and every table its property paths join to."""
    tables = [layer.table]
    for prop in layer.properties:
        model = layer.model
        for step in prop.path.split("__")[:-1]:
            model = model._meta.get_field(step).related_model
            if model._meta.db_table not in tables:
                tables.append(model._meta.db_table)
    return tuple(tables)


@cache
def _tables_of(layer_id: str) -> tuple[str, ...]:
    # Keyed on the id: hashing a whole Layer declaration on every request costs more than the lookup.
    from layers.registry import get_layer

    return layer_tables(get_layer(layer_id))


def layer_versions(layer_ids: Iterable[str]) -> dict[str, int]:
    """Current data version of each registered layer, in one query.

    A layer's version is the greatest version of the tables it shows (versions are unique and only
    grow), so renaming a province moves the version of the wells whose tiles carry its code.
    """
    tables = {layer_id: _tables_of(layer_id) for layer_id in layer_ids}
    by_table = table_versions({table for names in tables.values() for table in names})
    return {layer_id: max(by_table[table] for table in names) for layer_id, names in tables.items()}


def layer_version(layer_id: str) -> int:
    """Current data version of one registered layer (one indexed read, never cached per process)."""
    return layer_versions([layer_id])[layer_id]


def request_layer_versions(request, layer_ids: Iterable[str]) -> dict[str, int]:
    """Layer versions memoised on the request, so one request reads them at most once."""
    memo = request.__dict__.setdefault("_layer_versions", {})
    missing = [layer_id for layer_id in layer_ids if layer_id not in memo]
    if missing:
        memo.update(layer_versions(missing))
    return {layer_id: memo[layer_id] for layer_id in layer_ids}


def tables_without_trigger(tables: Iterable[str]) -> list[str]:
    """Tables among these that carry no data-version trigger (a layer added without its migration)."""
    names = sorted(set(tables))
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
            "WHERE NOT t.tgisinternal AND t.tgname = c.relname || '_data_version' AND c.relname = ANY(%s)",
            [names],
        )
        with_trigger = {row[0] for row in cursor.fetchall()}
    return [name for name in names if name not in with_trigger]
