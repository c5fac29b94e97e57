"""Statements run on every request of a hot path, prepared once per database session.

Planning such statements costs more than running them (a zoom-10 tile: about 0.7 ms to plan, 0.3 ms to run;
the field intake's lookup: 0.6 ms against 0.15 ms). Used by the tiles, the OGC pages, the data versions and
the field intake. The one home of the helpers that turn Django's SQL into a statement to prepare, too.
"""
from functools import lru_cache

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, ProgrammingError, connections
from psycopg2.extensions import AsIs

# SQLSTATE of "prepared statement does not exist": the session lost it (DEALLOCATE or DISCARD ALL ran).
STATEMENT_GONE = "26000"
# Marks, among a session's statement names, that its plan cache mode was set.
GENERIC_PLAN = " generic plan"


def _prepared_names(database) -> set[str]:
    # Kept on this thread's DatabaseWrapper (never on the shared `connection` proxy, which every thread of a
    # gthread worker sees), beside the psycopg2 connection they were prepared on: a new connection has none.
    state = database.__dict__.get("_prepared_statements")
    if state is None or state[0] is not database.connection:
        state = (database.connection, set())
        database.__dict__["_prepared_statements"] = state
    return state[1]


def run_prepared(name: str, prepared_sql: str, params: list, generic_plan: bool = False) -> list[tuple]:
    """Rows of a read-only statement written with $1, $2 ... and prepared on first use in each session.

    Outside a transaction this is the request's first query, so Django's `SELECT 1` health check is not
    sent before it: a persistent connection broken by a database restart is found by the statement
    itself, closed, and the statement retried once on a new connection (a second failure is a 503).
    A session that lost its prepared statement gets it prepared again. It goes to psycopg2's cursor
    directly; errors still come out as Django's database errors. With `generic_plan`, the session plans
    once for any parameters (for statements whose custom plan would be the same anyway).
    """
    database = connections[DEFAULT_DB_ALIAS]
    for attempt in (1, 2):
        if database.connection is not None and not database.in_atomic_block:
            database.health_check_done = True
        try:
            with database.wrap_database_errors:
                if database.connection is None:
                    database.ensure_connection()
                names = _prepared_names(database)
                with database.connection.cursor() as cursor:
                    if generic_plan and GENERIC_PLAN not in names:
                        cursor.execute("SET plan_cache_mode = force_generic_plan")
                        names.add(GENERIC_PLAN)
                    if name not in names:
                        # Not transactional: a prepared statement outlives a rolled-back transaction.
                        cursor.execute(f"PREPARE {name} AS {prepared_sql}")
                        names.add(name)
                    cursor.execute(f"EXECUTE {name}({', '.join(['%s'] * len(params))})", params)
                    return cursor.fetchall()
        except (OperationalError, InterfaceError):
            if attempt == 2 or database.in_atomic_block:
                raise
            database.close()
        except ProgrammingError as exc:
            if attempt == 2 or database.in_atomic_block or getattr(exc.__cause__, "pgcode", None) != STATEMENT_GONE:
                raise
            _prepared_names(database).clear()
    raise AssertionError("unreachable")


def fetch_prepared(name: str, prepared_sql: str, params: list) -> list[tuple]:
    """Rows of a read-only statement prepared once per database session, with one generic plan.

    Our tile, page and version statements take their inputs from parameters through a one-row CTE or a
    plain key, so the generic plan is the custom plan: planning again each time would only cost.
    """
    return run_prepared(name, prepared_sql, params, generic_plan=True)


@lru_cache(maxsize=1024)
def to_prepared_sql(sql: str) -> str:
    """A psycopg2 statement (`%s` placeholders) as the body of a PREPARE (`$1`, `$2`, ...)."""
    parts = sql.split("%s")
    prepared = parts[0]
    for number, part in enumerate(parts[1:], start=1):
        prepared += f"${number}{part}"
    return prepared.replace("%%", "%")


def to_prepared_sql_with_fixed(sql: str, parameter_count: int, fixed_params: list) -> str:
    """A psycopg2 statement as the body of a PREPARE: its first `parameter_count` placeholders become $1 ..,
    the fixed parameters after them are written in as SQL literals.

    Fixed parameters (a published filter, a list of tables) never change for a statement, so they are not
    adapted and sent again on every execution.
    """
    placeholders = [AsIs(f"${number}") for number in range(1, parameter_count + 1)]
    database = connections[DEFAULT_DB_ALIAS]
    with database.cursor() as cursor:
        return cursor.cursor.mogrify(sql, placeholders + list(fixed_params)).decode()
