"""Import a planner's file into a programme: read, map the columns, check every row through the one validation
path (the same as the admin, the OGC API and the phone form), report row by row, then commit as a batch that can
be rolled back.

A dry run (`plan`) writes nothing. `commit` plans again inside one transaction and writes the rows the plan
accepts; importing the same file again changes nothing (rows are keyed by site code, or by file and line when
they have none). `rollback` removes a batch's new sites and restores the sites it updated.
"""
import hashlib
import json
import re
from dataclasses import dataclass, field

from django.contrib.gis.geos import GEOSException, GEOSGeometry, Point
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from gis_service.accounts.permissions import has_role, is_administrator, lao_ids_for
from gis_service.accounts.roles import Role
from gis_service.errors import Conflict, Forbidden, InvalidInput
from gis_service.geography import queries
from gis_service.geography.constants import UTM_47N, UTM_48N, WGS84
from gis_service.geography.lao_names import find_laos
from gis_service.geography.models import LAO, Province, Subdistrict
from gis_service.i18n import english, thai
from gis_service.imports import columns, values
from gis_service.imports.models import ImportBatch, ImportedRow
from gis_service.imports.readers import GEOMETRY_COLUMN, Table, read_file
from gis_service.programmes.models import ProgrammeSite, Source
from gis_service.programmes.registry import Programme
from gis_service.programmes.validation import set_geometry, validate_site

# What a row comes to.
ACCEPTED, FIXED, REJECTED, DUPLICATE, EXISTING, UNCHANGED, ALREADY = (
    "accepted", "fixed", "rejected", "possible_duplicate", "existing", "unchanged", "already_imported")
OUTCOME_TITLES = {
    ACCEPTED: _("accepted"), FIXED: _("accepted with fixes"), REJECTED: _("rejected"),
    DUPLICATE: _("possible duplicate"), EXISTING: _("same code as an existing site"), UNCHANGED: _("unchanged"),
    ALREADY: _("already imported"),
}
CREATE, UPDATE, SKIP = "create", "update", "skip"
DECISIONS = (CREATE, UPDATE, SKIP)
PLACE_PREFIXES = {
    "province": ("จังหวัด", "จ."), "district": ("อำเภอ", "อ.", "เขต"), "subdistrict": ("ตำบล", "ต.", "แขวง"),
}


@dataclass
class Options:
    """What the importer decided: a mapping correction, what to do with existing and nearby sites, per line."""

    mapping: dict[str, str | None] = field(default_factory=dict)  # target -> header (None: ignore the target)
    on_existing: str = UPDATE  # same code as a site already there: update it or skip the row
    on_nearby: str = SKIP  # within the programme's duplicate distance of a site: skip or create anyway
    decisions: dict[int, str] = field(default_factory=dict)  # line -> create, update or skip
    sheet: str | None = None
    publish: bool = False


@dataclass
class RowReport:
    """What became of one row, in words for the person who wrote it."""

    line: int
    cells: list
    outcome: str = ACCEPTED
    action: str = SKIP
    fixes: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    code: str = ""
    duplicate_of: str = ""
    site: ProgrammeSite | None = None
    previous: str | None = None

    def message(self, language: str) -> str:
        render = thai if language == "th" else english
        return "; ".join(render(text) for text in (self.problems or self.fixes))

    def as_dict(self, language: str) -> dict:
        return {"line": self.line, "outcome": self.outcome, "action": self.action, "code": self.code,
                "duplicate_of": self.duplicate_of or None,
                "problems_en": [english(p) for p in self.problems], "problems_th": [thai(p) for p in self.problems],
                "fixes_en": [english(f) for f in self.fixes], "fixes_th": [thai(f) for f in self.fixes],
                "message": self.message(language)}


@dataclass
class Report:
    """The dry run (or the commit) of one file."""

    programme: Programme
    file_name: str
    sha256: str
    table: Table
    mapping: dict[str, int]
    rows: list[RowReport]
    batch: ImportBatch | None = None

    @property
    def counts(self) -> dict[str, int]:
        counts = {outcome: 0 for outcome in OUTCOME_TITLES}
        for row in self.rows:
            counts[row.outcome] += 1
        counts.update({f"to_{action}": sum(r.action == action for r in self.rows) for action in DECISIONS})
        return counts

    def mapping_by_header(self) -> dict[str, str]:
        return {target: self.table.header[index] for target, index in self.mapping.items()}

    def as_dict(self, language: str = "en") -> dict:
        return {
            "programme": self.programme.id, "file_name": self.file_name, "sha256": self.sha256,
            "sheet": self.table.name, "header": [h for h in self.table.header if h != GEOMETRY_COLUMN],
            "mapping": self.mapping_by_header(),
            "unmapped": [h for i, h in enumerate(self.table.header)
                         if i not in self.mapping.values() and h != GEOMETRY_COLUMN],
            "notes": self.table.notes, "counts": self.counts,
            "batch": self.batch.id if self.batch else None,
            "rows": [row.as_dict(language) for row in self.rows],
        }


class _Places:
    """The boundaries' names, read once per import: to check a named place and to tell a UTM zone."""

    def __init__(self):
        self.subdistricts = {pk: (name_th, name_en, district_id, province_id) for pk, name_th, name_en, district_id,
                             province_id in Subdistrict.objects.values_list("id", "name_th", "name_en", "district_id",
                                                                            "province_id")}
        self.districts = dict(Subdistrict.objects.values_list("district_id", "district__name_th").distinct())
        self.district_en = dict(Subdistrict.objects.values_list("district_id", "district__name_en").distinct())
        self.provinces = {pk: (name_th, name_en, code) for pk, name_th, name_en, code
                          in Province.objects.values_list("id", "name_th", "name_en", "code")}
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT id, ST_X(ST_PointOnSurface(geom)) FROM {Province._meta.db_table}")
            self.province_lon = dict(cursor.fetchall())

    def province_named(self, written: str) -> int | None:
        name = _bare(written, "province")
        for pk, (name_th, name_en, code) in self.provinces.items():
            if name in (name_th, name_en.lower(), code.lower()):
                return pk
        return None


def _bare(written, level: str) -> str:
    name = values.text(written).replace(" ", "")
    for prefix in PLACE_PREFIXES[level]:
        if name.startswith(prefix) and len(name) > len(prefix):
            name = name[len(prefix):]
            break
    return name.lower() if name.isascii() else name


class _Importer:
    def __init__(self, programme: Programme, table: Table, mapping: dict[str, int], options: Options, user,
                 sha256: str):
        self.programme, self.table, self.mapping, self.options, self.user = programme, table, mapping, options, user
        self.model = programme.model
        self.sha256 = sha256
        self.places = _Places()
        self.lao_cache: dict[tuple, list[LAO]] = {}
        self.officer_laos = None
        if user is not None and not (is_administrator(user) or has_role(user, Role.PLANNER)):
            self.officer_laos = lao_ids_for(user)
        codes = [values.text(row[mapping["code"]]) for row in table.rows] if "code" in mapping else []
        self.existing = {site.code: site for site in self.model.objects.filter(code__in=[c for c in codes if c])}
        self.imported_lines = set(ImportedRow.objects.filter(
            batch__file_sha256=sha256, batch__programme=programme.id, batch__rolled_back_at__isnull=True,
        ).values_list("line", flat=True))

    def cell(self, row: list, target: str):
        index = self.mapping.get(target)
        return None if index is None else row[index]

    def header(self, target: str) -> str:
        return self.table.header[self.mapping[target]]

    # --- one row ------------------------------------------------------------------------------------------------
    def row(self, line: int, cells: list, seen_codes: dict[str, int]) -> RowReport:
        report = RowReport(line=line, cells=cells)
        code = values.text(self.cell(cells, "code"))
        if code and code in seen_codes:
            report.outcome = REJECTED
            report.problems.append(format_lazy(_("code {code} is repeated (also on line {line})"), code=code,
                                               line=seen_codes[code]))
            return report
        if code:
            seen_codes[code] = line
        if not code and line in self.imported_lines:
            report.outcome, report.action = ALREADY, SKIP
            report.fixes.append(_("this line of this file was imported before: skipped"))
            return report
        existing = self.existing.get(code) if code else None
        site = self.model.objects.get(pk=existing.pk) if existing else self.model(source=Source.IMPORT,
                                                                                   published=self.options.publish)
        if existing:
            report.previous = serializers.serialize("json", [existing])
        attributes = self._attributes(cells, report)
        for name, value in attributes.items():
            setattr(site, name, value)
        if code:
            site.code = code
        geometry = self._geometry(cells, report)
        if geometry is not None:
            try:
                set_geometry(site, geometry)
            except ValidationError as exc:
                report.problems += [m for messages in exc.message_dict.values() for m in messages]
        elif not existing:
            report.problems.append(_("no location: give latitude and longitude (or UTM easting, northing and "
                                     "zone, or a geometry)"))
        if report.problems:
            report.outcome = REJECTED
            return report
        self._choose_lao(site, cells, report, keep=existing is not None and "lao" not in self.mapping)
        if report.problems:
            report.outcome = REJECTED
            return report
        try:
            validate_site(site)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                column = self._column_of(name)
                report.problems += [format_lazy(_("{column}: {message}"), column=column, message=m) if column else m
                                    for m in messages]
        if not report.problems:
            self._check_named_places(site, cells, report)
        if report.problems:
            report.outcome = REJECTED
            return report
        report.site, report.code = site, site.code
        if existing:
            changed = json.loads(serializers.serialize("json", [site]))[0]["fields"] != json.loads(
                report.previous)[0]["fields"]
            if not changed:
                report.outcome, report.action = UNCHANGED, SKIP
            else:
                report.outcome = EXISTING
                report.action = self.options.decisions.get(line, self.options.on_existing)
                if report.action == CREATE:
                    report.action = UPDATE  # a code is unique: "create anyway" can only mean update here
        else:
            report.outcome = FIXED if report.fixes else ACCEPTED
            report.action = CREATE
        return report

    def _column_of(self, name: str) -> str | None:
        if name in self.mapping:
            return self.header(name)
        if name in ("geom", "subdistrict"):
            for target in ("lat", "latlon", "easting", "x", "wkt"):
                if target in self.mapping:
                    return self.header(target)
        return None

    def _attributes(self, cells: list, report: RowReport) -> dict:
        found = {}
        for name in columns.SHARED_FIELDS + tuple(self.programme.attribute_names):
            raw = self.cell(cells, name)
            if name not in self.mapping or values.is_blank(raw):
                continue
            model_field = self.model._meta.get_field(name)
            try:
                found[name] = self._value(model_field, raw, report)
            except ValueError as exc:
                report.problems.append(format_lazy(_("{column}: {message}"), column=self.header(name),
                                                   message=exc.args[0]))
        return found

    def _value(self, model_field: models.Field, raw, report: RowReport):
        if model_field.name == "programme_year":
            year, fix = values.year(raw)
            if fix:
                report.fixes.append(fix)
            return year
        if model_field.choices:
            return _choice(model_field, raw)
        if isinstance(model_field, models.BooleanField):
            return _boolean(raw)
        if isinstance(model_field, models.DateField):
            found, fix = values.date(raw)
        elif isinstance(model_field, (models.IntegerField, models.FloatField, models.DecimalField)):
            found, fix = values.number(raw)
            found = int(found) if isinstance(model_field, models.IntegerField) and found == int(found) else (
                float(found) if isinstance(model_field, models.FloatField) else found)
        else:
            return values.text(raw)
        if fix:
            report.fixes.append(fix)
        return found

    def _geometry(self, cells: list, report: RowReport):
        """The row's geometry in lon/lat (GEOS), from whichever columns the sheet has; None when it has none."""
        try:
            if self.table.has_geometry and cells[-1]:
                geometry = GEOSGeometry(cells[-1], srid=WGS84)
                return self._metres_to_degrees(geometry, cells, report)
            if "wkt" in self.mapping and not values.is_blank(self.cell(cells, "wkt")):
                geometry = GEOSGeometry(values.text(self.cell(cells, "wkt")), srid=WGS84)
                return self._metres_to_degrees(geometry, cells, report)
        except (GEOSException, ValueError, TypeError):
            report.problems.append(_("the geometry cannot be read: give WKT such as POINT (102.1 14.9)"))
            return None
        lat = lon = None
        try:
            if "lat" in self.mapping and "lon" in self.mapping and not values.is_blank(self.cell(cells, "lat")):
                (lat, fix_lat), (lon, fix_lon) = (values.degrees(self.cell(cells, "lat")),
                                                  values.degrees(self.cell(cells, "lon")))
                report.fixes += [f for f in (fix_lat, fix_lon) if f]
            elif "latlon" in self.mapping and not values.is_blank(self.cell(cells, "latlon")):
                (lat, lon), fix = values.coordinate_pair(self.cell(cells, "latlon"))
                if fix:
                    report.fixes.append(fix)
            elif "x" in self.mapping and "y" in self.mapping and not values.is_blank(self.cell(cells, "x")):
                (x, _fx), (y, _fy) = values.degrees(self.cell(cells, "x")), values.degrees(self.cell(cells, "y"))
                if abs(x) <= 180 and abs(y) <= 90:
                    lat, lon = y, x
                else:
                    return self._utm(x, y, cells, report)
            elif "easting" in self.mapping and "northing" in self.mapping:
                (x, _fx), (y, _fy) = (values.degrees(self.cell(cells, "easting")),
                                      values.degrees(self.cell(cells, "northing")))
                return self._utm(x, y, cells, report)
        except ValueError as exc:
            report.problems.append(exc.args[0])
            return None
        if lat is None or lon is None:
            return None
        lat, lon, fix = values.in_thailand_order(lat, lon)
        if fix:
            report.fixes.append(fix)
        return Point(lon, lat, srid=WGS84)

    def _metres_to_degrees(self, geometry: GEOSGeometry, cells: list, report: RowReport) -> GEOSGeometry:
        x, y = geometry.centroid.coords
        if abs(x) <= 180 and abs(y) <= 90:
            return geometry
        srid = self._zone(cells, x, y, report)
        if srid is None:
            return geometry
        geometry.srid = srid
        geometry.transform(WGS84)
        return geometry

    def _utm(self, easting: float, northing: float, cells: list, report: RowReport) -> Point | None:
        srid = self._zone(cells, easting, northing, report)
        if srid is None:
            return None
        point = Point(easting, northing, srid=srid)
        point.transform(WGS84)
        return point

    def _zone(self, cells: list, x: float, y: float, report: RowReport) -> int | None:
        """The UTM zone of metres: the zone column, else the named province's zone, else the only zone that puts
        the point in Thailand."""
        written = values.text(self.cell(cells, "zone")) if "zone" in self.mapping else ""
        digits = re.match(r"\s*(47|48)", values._latin_digits(written))
        if digits:
            return UTM_47N if digits.group(1) == "47" else UTM_48N
        if written:
            report.problems.append(format_lazy(_("{column}: zone {zone} is not 47 or 48"), column=self.header("zone"),
                                               zone=written))
            return None
        province = self.places.province_named(self.cell(cells, "province")) if "province" in self.mapping else None
        if province is not None:
            srid = queries.utm_srid(self.places.province_lon[province])
            report.fixes.append(format_lazy(_("UTM zone {zone}N taken from the province"),
                                            zone=47 if srid == UTM_47N else 48))
            return srid
        inside = []
        for srid in (UTM_47N, UTM_48N):
            point = Point(x, y, srid=srid)
            point.transform(WGS84)
            if queries.subdistrict_at(point.x, point.y) is not None:
                inside.append(srid)
        if len(inside) == 1:
            report.fixes.append(format_lazy(_("UTM zone {zone}N inferred: the only zone placing the point in "
                                              "Thailand"), zone=47 if inside[0] == UTM_47N else 48))
            return inside[0]
        report.problems.append(_("the UTM zone is not given and cannot be told: add a zone column (47 or 48)"))
        return None

    def _choose_lao(self, site: ProgrammeSite, cells: list, report: RowReport, keep: bool) -> None:
        """The LAO named in the row (matched in the register) or else the one serving the point."""
        point = site.geom.centroid if site.geom is not None else None
        if point is None:
            return
        serving = queries.laos_serving_point(point.x, point.y)
        if not serving:
            message = format_lazy(_("the point ({lat}, {lon}) lies in no subdistrict of Thailand: check the "
                                    "coordinates"), lat=round(point.y, 6), lon=round(point.x, 6))
            column = self._column_of("geom")
            report.problems.append(format_lazy(_("{column}: {message}"), column=column, message=message)
                                   if column else message)
            return
        if keep and site.lao_id in serving:
            return
        written = values.text(self.cell(cells, "lao")) if "lao" in self.mapping else ""
        if written:
            province = values.text(self.cell(cells, "province")) if "province" in self.mapping else None
            key = (written, province)
            if key not in self.lao_cache:
                found = find_laos(written, province=_bare(province, "province") if province else None)
                self.lao_cache[key] = found or find_laos(written)
            named = self.lao_cache[key]
            if not named:
                report.problems.append(format_lazy(_("{column}: no LAO named {name} in the DLA register"),
                                                   column=self.header("lao"), name=written))
                return
            choice = [lao for lao in named if lao.id in serving]
            if not choice:
                names = ", ".join(f"{lao.full_name_th} ({lao.code})" for lao in LAO.objects.filter(id__in=serving))
                report.problems.append(format_lazy(_("{column}: {name} does not serve where the point lies; the LAOs "
                                                     "serving it are {serving}"), column=self.header("lao"),
                                                   name=written, serving=names or "-"))
                return
            lao_id = choice[0].id
            if choice[0].code != written:
                report.fixes.append(format_lazy(_("LAO {name} matched to {code}"), name=written, code=choice[0].code))
        else:
            candidates = [i for i in serving if self.officer_laos is None or i in self.officer_laos]
            if not candidates:
                report.problems.append(_("the point lies outside your LAOs' areas"))
                return
            lao_id = candidates[0]
        if self.officer_laos is not None and lao_id not in self.officer_laos:
            report.problems.append(_("the point lies outside your LAOs' areas"))
            return
        site.lao_id = lao_id

    def _check_named_places(self, site: ProgrammeSite, cells: list, report: RowReport) -> None:
        """Where the sheet names the subdistrict, district or province, the point must lie there."""
        name_th, name_en, district_id, province_id = self.places.subdistricts[site.subdistrict_id]
        province_th, province_en, _code = self.places.provinces[province_id]
        found = {"subdistrict": (name_th, name_en.lower()),
                 "district": (self.places.districts[district_id], self.places.district_en[district_id].lower()),
                 "province": (province_th, province_en.lower())}
        for level, names in found.items():
            written = self.cell(cells, level) if level in self.mapping else None
            if values.is_blank(written):
                continue
            bare = _bare(written, level)
            if bare not in names and bare.removeprefix("เขต") not in names and f"เขต{bare}" not in names:
                report.problems.append(format_lazy(
                    _("{column}: the point lies in {found}, not in {written}: check the coordinates or the name"),
                    column=self.header(level), found=names[0], written=values.text(written)))

    # --- the whole file -----------------------------------------------------------------------------------------
    def run(self) -> list[RowReport]:
        seen: dict[str, int] = {}
        rows = [self.row(line, cells, seen) for line, cells in zip(self.table.line_numbers, self.table.rows,
                                                                   strict=True)]
        self._flag_nearby(rows)
        return rows

    def _flag_nearby(self, rows: list[RowReport]) -> None:
        """New sites within the programme's duplicate distance of an existing one: one statement for them all."""
        new = [row for row in rows if row.action == CREATE and row.site is not None]
        if not new:
            return
        radius = self.programme.field_collection.duplicate_radius_m
        table = self.model._meta.db_table
        sql = (f"SELECT p.i, (SELECT s.code FROM {table} s WHERE s.geom && ST_Expand(p.g, %s)"
               " AND ST_DWithin(s.geom::geography, p.g::geography, %s) ORDER BY s.geom <-> p.g LIMIT 1)"
               " FROM (SELECT i, ST_GeomFromEWKB(g) AS g FROM unnest(%s::int[], %s::bytea[]) AS t(i, g)) p")
        with connection.cursor() as cursor:
            cursor.execute(sql, [radius / 100_000, radius, list(range(len(new))),
                                 [bytes(row.site.geom.centroid.ewkb) for row in new]])
            for index, code in cursor.fetchall():
                if code:
                    row = new[index]
                    row.outcome, row.duplicate_of = DUPLICATE, code
                    row.action = self.options.decisions.get(row.line, self.options.on_nearby)
                    if row.action == UPDATE:
                        row.action = SKIP  # an update needs the same code; nearness alone does not say which


def _choice(model_field: models.Field, raw):
    written = values.text(raw)
    wanted = columns.normalise(written)
    for value, label in model_field.choices:
        # A label may explain itself after a colon ("Closed: gravel-filled well ..."): its head counts alone too.
        forms = {columns.normalise(value)}
        for text in (english(label), thai(label)):
            forms |= {columns.normalise(text), columns.normalise(text.split(":")[0])}
        if wanted in forms:
            return value
    options = ", ".join(f"{thai(label)} / {english(label)}" for value, label in model_field.choices if value)
    raise ValueError(format_lazy(_("{written} is not one of: {options}"), written=written, options=options))


def _boolean(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    written = columns.normalise(values.text(raw))
    if written in ("1", "yes", "y", "true", "ใช่", "มี", "เผยแพร่", "x", "✓"):
        return True
    if written in ("0", "no", "n", "false", "ไม่", "ไม่ใช่", "ไม่มี", "ไม่เผยแพร่"):
        return False
    raise ValueError(format_lazy(_("{written} is not yes or no"), written=values.text(raw)))


def _mapping(table: Table, programme: Programme, corrections: dict[str, str | None]) -> dict[str, int]:
    mapping = columns.recognise(table.header, programme)
    known = columns.target_words(programme)
    for target, header in corrections.items():
        if target not in known:
            raise InvalidInput(format_lazy(_("mapping: {target} is not a column this programme takes; it takes {all}"),
                                           target=target, all=", ".join(sorted(known))), field="mapping")
        mapping.pop(target, None)
        if header is None or header == "":
            continue
        if header not in table.header:
            raise InvalidInput(format_lazy(_("mapping: the file has no column {header}"), header=header),
                               field="mapping")
        index = table.header.index(header)
        for other in [t for t, i in mapping.items() if i == index]:
            mapping.pop(other)
        mapping[target] = index
    has_location = table.has_geometry or {"lat", "lon"} <= set(mapping) or "latlon" in mapping or {
        "x", "y"} <= set(mapping) or {"easting", "northing"} <= set(mapping) or "wkt" in mapping or "code" in mapping
    if not has_location:
        raise InvalidInput(_("No location columns were recognised: map latitude and longitude (or easting and "
                             "northing, or one column of coordinates)."), field="mapping")
    return mapping


def _check_importer(user, programme: Programme) -> None:
    if user is None:  # the management command, run by the operator
        return
    if not (is_administrator(user) or has_role(user, Role.PLANNER) or has_role(user, Role.FIELD_OFFICER)):
        raise Forbidden(_("Only planners, administrators and field officers (for their own LAOs) import sites."),
                        code="import_not_allowed")


def plan(content: bytes, file_name: str, programme: Programme, options: Options | None = None,
         user=None) -> Report:
    """The dry run: every row read, checked and reported; nothing written."""
    options = options or Options()
    _check_importer(user, programme)
    for line, decision in options.decisions.items():
        if decision not in DECISIONS:
            raise InvalidInput(format_lazy(_("decision for line {line}: {decision} is not one of {all}"), line=line,
                                           decision=decision, all=", ".join(DECISIONS)), field="decisions")
    sha256 = hashlib.sha256(content).hexdigest()
    table = read_file(content, file_name, lambda cells: columns.header_score(cells, programme), options.sheet)
    mapping = _mapping(table, programme, options.mapping)
    with transaction.atomic():
        # Validation fills derived fields on the instances only; the savepoint is rolled back all the same.
        rows = _Importer(programme, table, mapping, options, user, sha256).run()
        transaction.set_rollback(True)
    return Report(programme, file_name, sha256, table, mapping, rows)


def commit(content: bytes, file_name: str, programme: Programme, options: Options | None = None,
           user=None) -> Report:
    """Plan again and write what the plan accepts, in one transaction, as an import batch."""
    options = options or Options()
    with transaction.atomic():
        report = plan(content, file_name, programme, options, user)
        written = [row for row in report.rows if row.action in (CREATE, UPDATE) and row.site is not None]
        batch = ImportBatch.objects.create(
            programme=programme.id, file_name=file_name[:255], file_sha256=report.sha256,
            owner=user, mapping=report.mapping_by_header(), counts=report.counts)
        imported = []
        for row in written:
            site = row.site
            if row.action == CREATE:
                site.created_by = user
                site.source = Source.IMPORT
            site.updated_by = user
            # Validated by the plan in this transaction (validate_site); save without checking twice.
            models.Model.save(site)
            imported.append(ImportedRow(batch=batch, line=row.line, site_code=site.code,
                                        action=ImportedRow.Action.CREATED if row.action == CREATE
                                        else ImportedRow.Action.UPDATED, previous=row.previous and json.loads(
                                            row.previous)))
        ImportedRow.objects.bulk_create(imported)
        report.batch = batch
    return report


def check_may_read(user, batch: ImportBatch) -> None:
    """A batch is its owner's, a planner's and an administrator's to read."""
    if not (is_administrator(user) or has_role(user, Role.PLANNER) or batch.owner_id == user.id):
        raise Forbidden(_("Only whoever imported this batch, planners and administrators may read it."),
                        code="import_not_yours")


def rollback(batch: ImportBatch, user=None) -> dict[str, int]:
    """Remove the sites a batch created and restore the ones it updated; the batch's owner or an administrator."""
    if user is not None and not (is_administrator(user) or batch.owner_id == user.id):
        raise Forbidden(_("Only whoever imported this batch, or an administrator, may roll it back."),
                        code="rollback_not_allowed")
    if batch.rolled_back_at is not None:
        raise Conflict(format_lazy(_("Import {batch} was rolled back already, at {when}."), batch=batch.id,
                                   when=batch.rolled_back_at.isoformat(timespec="seconds")), code="rolled_back")
    from gis_service.programmes.registry import get_programme

    model = get_programme(batch.programme).model
    removed = restored = 0
    with transaction.atomic():
        for row in batch.rows.order_by("-line"):
            if row.action == ImportedRow.Action.CREATED:
                removed += model.objects.filter(code=row.site_code).delete()[0] and 1
            else:
                for previous in serializers.deserialize("json", json.dumps(row.previous)):
                    previous.object.save()
                    restored += 1
        batch.rolled_back_at, batch.rolled_back_by = timezone.now(), user
        batch.save(update_fields=["rolled_back_at", "rolled_back_by"])
    return {"removed": removed, "restored": restored}
