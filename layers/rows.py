"""A layer's rows as SQL: the one builder of the SELECT of a layer's public id, properties and geometry.

Feature pages, downloads and CSV (layers/features.py), vector tiles (layers/tiles/sql.py) and the
TileJSON bounds all read a layer's rows through here, so the joins its property paths need and the
column aliases are decided in one place. The registry's `Layer.public_values` selects the public id as
`fid` and the chosen properties as `p0`, `p1`... (their ORM paths make the joins); this module adds the
primary key `rid` and the raw geometry `g` that SQL built around the rows needs.
"""
from django.db.models import ExpressionWrapper, F, Field, QuerySet

from layers.registry import Layer


def raw_geometry(layer: Layer) -> ExpressionWrapper:
    """The layer's geometry column as a geometry in SQL, not the bytea GeoDjango selects for reading.

    A plain Field as output keeps the column a geometry, so a spatial index serves bounding-box filters
    and the PostGIS functions of the statement around the rows apply to it.
    """
    return ExpressionWrapper(F(layer.geometry_field), output_field=Field())


def layer_rows(layer: Layer, queryset: QuerySet, names: list[str], *, geometry: bool = True,
               row_id: bool = False) -> QuerySet:
    """`queryset.values()` of a layer's rows: `fid` (public id), `p<i>` (the properties `names`), `g`, `rid` (pk)."""
    # `names` is always a list here: the registry reads None as "every property".
    rows = layer.public_values(queryset, list(names))
    extra = {}
    if row_id:
        extra["rid"] = F("pk")
    if geometry:
        extra["g"] = raw_geometry(layer)
    return rows.annotate(**extra) if extra else rows


def layer_rows_sql(layer: Layer, queryset: QuerySet, names: list[str], *, geometry: bool = True,
                   row_id: bool = False) -> tuple[str, list]:
    """The SQL and parameters of `layer_rows`, to be the inner query of a statement PostGIS finishes."""
    sql, params = layer_rows(layer, queryset, names, geometry=geometry, row_id=row_id).query.sql_with_params()
    return sql, list(params)
