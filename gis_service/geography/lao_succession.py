"""The generated LAOs give way to the DLA register: everything that refers to one moves to its register successor.

Earlier installations made their LAOs up (`generate_laos`: one per subdistrict, codes such as PAO-30 or
LAO-300101). Once the register is loaded, each generated LAO has a successor serving the same place:
- a generated provincial LAO, Bangkok or Pattaya: the register's LAO of the same type in the same province;
- a generated local LAO (it served one subdistrict): the register's active municipality or SAO serving that
  subdistrict, the one whose served area was derived from its own name first (then the office point, then by code).

Every column in the database that refers to an LAO (sites, field submissions, officers' memberships and their
history tables, found from the models, not listed here) is moved to the successor in one transaction, then the
generated LAOs (and the served areas that were theirs) are deleted. Two memberships of one officer that now name
the same LAO become one. A generated LAO with references and no successor refuses the whole move, naming it.
"""
from django.apps import apps
from django.db import connection, models, transaction

from gis_service.geography.models import LAO, LAOSubdistrict
from gis_service.geography.queries import table

AREA_KINDS = (LAO.Kind.PROVINCIAL.value, LAO.Kind.BANGKOK.value, LAO.Kind.PATTAYA.value)
# The order in which a served area's derivation makes an LAO the likelier successor of a subdistrict's LAO.
METHOD_ORDER = (LAOSubdistrict.Method.NAME_MATCH, LAOSubdistrict.Method.OFFICE_POINT,
                LAOSubdistrict.Method.ADMINISTRATOR, LAOSubdistrict.Method.OFFICE_NEIGHBOUR,
                LAOSubdistrict.Method.DISTRICT)


class NoSuccessor(Exception):
    """Generated LAOs that something refers to and that no register LAO succeeds; nothing was changed."""

    def __init__(self, codes: list[str]):
        self.codes = codes
        super().__init__(
            f"{len(codes)} generated LAOs are still referred to and the register has no LAO serving their place "
            f"({', '.join(codes[:20])}{' ...' if len(codes) > 20 else ''}): load the register for their provinces "
            "first, or have an administrator set what a register LAO serves there. Nothing was changed.")


def successors_sql() -> str:
    """SQL selecting (old_id, new_id) for every generated LAO; new_id is NULL when the register has none."""
    lao, served = table("lao"), table("lao_subdistricts")
    area_kinds = ", ".join(f"'{kind}'" for kind in AREA_KINDS)
    method_rank = " ".join(f"WHEN '{method}' THEN {rank}" for rank, method in enumerate(METHOD_ORDER))
    return f"""
SELECT g.id, CASE WHEN g.kind IN ({area_kinds}) THEN (
    SELECT r.id FROM {lao} r WHERE NOT r.generated AND r.active AND r.kind = g.kind AND r.province_id = g.province_id
    ORDER BY r.code LIMIT 1)
  ELSE (
    SELECT r.id FROM {served} gs JOIN {served} rs ON rs.subdistrict_id = gs.subdistrict_id
    JOIN {lao} r ON r.id = rs.lao_id
    WHERE gs.lao_id = g.id AND NOT r.generated AND r.active AND r.kind NOT IN ({area_kinds})
    ORDER BY CASE rs.method {method_rank} ELSE {len(METHOD_ORDER)} END, rs.approximate, r.code LIMIT 1)
  END
FROM {lao} g WHERE g.generated
"""


def references() -> list[tuple[type[models.Model], models.Field]]:
    """Every model field (history tables included) holding an LAO id, but the served areas of LAOs themselves."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if model is LAOSubdistrict or getattr(model, "instance_type", None) is LAOSubdistrict:
            continue  # a generated LAO's served areas go with it
        for model_field in model._meta.concrete_fields:
            if model_field.is_relation and model_field.related_model is LAO:
                found.append((model, model_field))
    return found


def _unique_partners(model: type[models.Model], lao_field: models.Field) -> list[list[str]]:
    """The other columns of each unique constraint of `model` that includes its LAO column."""
    sets = [list(fields) for fields in model._meta.unique_together]
    sets += [list(c.fields) for c in model._meta.constraints if isinstance(c, models.UniqueConstraint) and c.fields]
    columns = []
    for names in sets:
        if lao_field.name in names:
            columns.append([model._meta.get_field(name).column for name in names if name != lao_field.name])
    return columns


@transaction.atomic
def retire_generated_laos() -> dict[str, int]:
    """Move every reference from a generated LAO to its successor, then delete the generated LAOs.

    Returns how many rows moved per table and how many generated LAOs were deleted; raises NoSuccessor (and
    changes nothing) when a referred-to generated LAO has no successor.
    """
    lao = table("lao")
    moved: dict[str, int] = {}
    with connection.cursor() as cursor:
        # The register may have been loaded in this very transaction: without fresh statistics the planner reads
        # the served areas once per generated LAO (15 s instead of a fraction of one).
        cursor.execute(f"ANALYZE {lao}, {table('lao_subdistricts')}")
        cursor.execute("DROP TABLE IF EXISTS lao_successor")
        cursor.execute("CREATE TEMP TABLE lao_successor (old_id bigint PRIMARY KEY, new_id bigint) ON COMMIT DROP")
        cursor.execute(f"INSERT INTO lao_successor {successors_sql()}")
        fields = references()
        orphans = set()
        for model, model_field in fields:
            cursor.execute(
                f"SELECT DISTINCT t.{model_field.column} FROM {model._meta.db_table} t"
                f" JOIN lao_successor s ON s.old_id = t.{model_field.column} WHERE s.new_id IS NULL")
            orphans |= {row[0] for row in cursor.fetchall()}
        if orphans:
            codes = sorted(LAO.objects.filter(id__in=orphans).values_list("code", flat=True))
            raise NoSuccessor(codes)
        for model, model_field in fields:
            db_table, column = model._meta.db_table, model_field.column
            for partners in _unique_partners(model, model_field):
                # A row that would repeat one already naming the successor says nothing new: drop it.
                same = " AND ".join(f"o.{c} IS NOT DISTINCT FROM t.{c}" for c in partners) or "true"
                cursor.execute(
                    f"DELETE FROM {db_table} t USING lao_successor s WHERE s.old_id = t.{column} AND EXISTS ("
                    f"SELECT 1 FROM {db_table} o WHERE o.{column} = s.new_id AND {same})")
            cursor.execute(f"UPDATE {db_table} t SET {column} = s.new_id FROM lao_successor s"
                           f" WHERE s.old_id = t.{column}")
            if cursor.rowcount:
                moved[db_table] = moved.get(db_table, 0) + cursor.rowcount
        cursor.execute(f"DELETE FROM {LAOSubdistrict.history.model._meta.db_table} h USING lao_successor s"
                       " WHERE h.lao_id = s.old_id")
        cursor.execute(f"DELETE FROM {table('lao_subdistricts')} ls USING lao_successor s WHERE ls.lao_id = s.old_id")
        cursor.execute(f"DELETE FROM {lao} WHERE generated")
        moved["deleted_generated_laos"] = cursor.rowcount
    return moved


def generated_laos_present() -> bool:
    """True while generated LAOs are still in the database."""
    return LAO.objects.filter(generated=True).exists()
