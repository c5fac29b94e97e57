"""Reading the files planners keep: workbooks (.xlsx, .xls, .ods by python-calamine), CSV in any of Thai Excel's
encodings, and GIS files (GeoJSON, GeoPackage, KML/KMZ, zipped Shapefile, by GDAL), as a header and rows.

Nothing here knows a programme; a file that cannot be read raises UnreadableFile with a message to act on.
"""
import csv
import io
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from gis_service.errors import InvalidInput

WORKBOOKS = (".xlsx", ".xlsm", ".xls", ".ods")
GIS_FILES = (".geojson", ".json", ".gpkg", ".kml", ".kmz", ".zip")
CSV_FILES = (".csv", ".txt")
# Encodings a CSV from Thailand comes in: UTF-8 (with or without BOM), then Thai Windows (TIS-620 is its subset).
CSV_ENCODINGS = ("utf-8-sig", "cp874")
# A header may sit below a title row or two: the best-scoring of the first rows is taken.
HEADER_SEARCH_ROWS = 10
GEOMETRY_COLUMN = "__geometry__"


class UnreadableFile(InvalidInput):
    """The file cannot be read as what its name says: nothing was imported."""

    code = "unreadable_file"


@dataclass
class Table:
    """One sheet or layer: its header, its rows (lists of cell values) and the line each row came from."""

    name: str
    header: list[str]
    rows: list[list] = field(default_factory=list)
    line_numbers: list[int] = field(default_factory=list)
    # GIS files: each row's geometry as WKT in lon/lat (GDAL transformed it), in GEOMETRY_COLUMN.
    has_geometry: bool = False
    notes: list[str] = field(default_factory=list)


def limits() -> tuple[int, int]:
    """(largest file in bytes, most rows): settings IMPORT_MAX_BYTES and IMPORT_MAX_ROWS."""
    return settings.IMPORT_MAX_BYTES, settings.IMPORT_MAX_ROWS


def read_file(content: bytes, file_name: str, score, sheet: str | None = None) -> Table:
    """The table of a file; `score(cells)` tells how header-like a row is (to find the header under titles)."""
    max_bytes, _max_rows = limits()
    if len(content) > max_bytes:
        raise UnreadableFile(format_lazy(_("The file is {size} MB; at most {limit} MB can be imported at once: "
                                           "split it into smaller files."), size=round(len(content) / 1e6, 1),
                                         limit=round(max_bytes / 1e6)), field="file")
    if not content:
        raise UnreadableFile(_("The file is empty."), field="file")
    suffix = Path(file_name).suffix.lower()
    if suffix in WORKBOOKS:
        table = _read_workbook(content, file_name, score, sheet)
    elif suffix in CSV_FILES:
        table = _read_csv(content, file_name, score)
    elif suffix in GIS_FILES:
        table = _read_gis(content, file_name)
    else:
        raise UnreadableFile(format_lazy(
            _("Files ending {suffix} cannot be imported: use .xlsx, .xls, .ods, .csv, .geojson, .gpkg, .kml, .kmz or "
              "a zipped Shapefile."), suffix=suffix or "(none)"), field="file")
    if not table.rows:
        raise UnreadableFile(format_lazy(_("{name} has a header but no rows to import."), name=table.name),
                             field="file")
    if len(table.rows) > _max_rows:
        raise UnreadableFile(format_lazy(_("The file has {rows} rows; at most {limit} can be imported at once: "
                                           "split it."), rows=len(table.rows), limit=_max_rows), field="file")
    return table


def _table_from_rows(name: str, rows: list[list], score) -> Table:
    """Find the header among the first rows (titles above it are skipped), keep the non-empty rows below it."""
    candidates = rows[:HEADER_SEARCH_ROWS]
    if not candidates:
        raise UnreadableFile(format_lazy(_("{name} is empty."), name=name), field="file")
    best = max(range(len(candidates)), key=lambda i: (score(candidates[i]), -i))
    if score(candidates[best]) == 0:
        raise UnreadableFile(format_lazy(
            _("No header row was recognised in {name}: name the columns (e.g. ชื่อ, ละติจูด, ลองจิจูด, ปีงบประมาณ)."),
            name=name), field="file")
    header = [str(cell).strip() if cell is not None else "" for cell in candidates[best]]
    # A merged header cell leaves the cells after it empty: they take the name of the one before, numbered.
    for i in range(1, len(header)):
        if not header[i] and header[i - 1]:
            header[i] = f"{header[i - 1].split(' #')[0]} #{i}"
    table = Table(name=name, header=header)
    for offset, row in enumerate(rows[best + 1:], start=best + 2):
        cells = list(row) + [None] * (len(header) - len(row))
        if any(cell not in (None, "") for cell in cells):
            table.rows.append(cells[: len(header)])
            table.line_numbers.append(offset)
    return table


def _read_workbook(content: bytes, file_name: str, score, sheet: str | None) -> Table:
    from python_calamine import CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    except Exception as exc:  # noqa: BLE001 -- calamine raises its own errors for every kind of bad file
        raise UnreadableFile(format_lazy(
            _("{name} cannot be read as a workbook ({reason}): is it password-protected, damaged or another kind of "
              "file? Save it again from Excel or LibreOffice."), name=file_name, reason=str(exc)[:120]),
            field="file") from exc
    names = workbook.sheet_names
    if sheet is not None and sheet not in names:
        raise UnreadableFile(format_lazy(_("{name} has no sheet {sheet}: its sheets are {sheets}."), name=file_name,
                                         sheet=sheet, sheets=", ".join(names)), field="sheet")
    best_table, best_score = None, -1
    for name in ([sheet] if sheet else names):
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
        rows = [list(row) for row in rows]
        if not rows:
            continue
        rows = [[None if cell == "" else cell for cell in row] for row in rows]
        candidate_score = max((score(row) for row in rows[:HEADER_SEARCH_ROWS]), default=0)
        if candidate_score > best_score:
            best_table, best_score = (name, rows), candidate_score
    if best_table is None:
        raise UnreadableFile(format_lazy(_("{name} has no rows in any sheet."), name=file_name), field="file")
    table = _table_from_rows(best_table[0], best_table[1], score)
    if len(names) > 1 and sheet is None:
        table.notes.append(str(format_lazy(_("sheet {sheet} read (its header fits best; choose another with "
                                             "sheet=)"), sheet=best_table[0])))
    errors = [(line, cell) for line, row in zip(table.line_numbers, table.rows, strict=True) for cell in row
              if isinstance(cell, str) and cell.startswith("#") and cell.endswith(("!", "?", "/0", "N/A"))]
    if errors:
        table.notes.append(str(format_lazy(_("{count} cells hold formula errors (first on line {line}: {cell})"),
                                           count=len(errors), line=errors[0][0], cell=errors[0][1])))
    return table


def _read_csv(content: bytes, file_name: str, score) -> Table:
    for encoding in CSV_ENCODINGS:
        try:
            decoded = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UnreadableFile(format_lazy(_("{name} is neither UTF-8 nor Thai Windows (TIS-620) text: save it again "
                                           "as CSV UTF-8."), name=file_name), field="file")
    try:
        dialect = csv.Sniffer().sniff(decoded[:4096], delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = [list(row) for row in csv.reader(io.StringIO(decoded), dialect)]
    rows = [[None if cell.strip() == "" else cell.strip() for cell in row] for row in rows]
    table = _table_from_rows(file_name, rows, score)
    if encoding == "cp874":
        table.notes.append(str(_("read as Thai Windows text (TIS-620/Windows-874)")))
    return table


def _safe_extract(content: bytes, folder: Path, file_name: str) -> None:
    """Unpack a zip (a zipped Shapefile, a KMZ) refusing one that would unpack to more than the import limit."""
    max_bytes, _max_rows = limits()
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as exc:
        raise UnreadableFile(format_lazy(_("{name} is not a readable zip file."), name=file_name),
                             field="file") from exc
    total = sum(info.file_size for info in archive.infolist())
    if total > max_bytes:
        raise UnreadableFile(format_lazy(_("{name} would unpack to {size} MB, more than the {limit} MB an import "
                                           "may hold."), name=file_name, size=round(total / 1e6),
                                         limit=round(max_bytes / 1e6)), field="file")
    for info in archive.infolist():
        target = (folder / info.filename).resolve()
        if not str(target).startswith(str(folder.resolve())) or info.is_dir():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(archive.read(info))


def _read_gis(content: bytes, file_name: str) -> Table:
    from django.contrib.gis.gdal import DataSource, GDALException, SpatialReference

    suffix = Path(file_name).suffix.lower()
    with tempfile.TemporaryDirectory() as folder:
        folder_path = Path(folder)
        notes = []
        if suffix in (".zip", ".kmz"):
            _safe_extract(content, folder_path, file_name)
            found = sorted(folder_path.rglob("*.shp")) + sorted(folder_path.rglob("*.kml"))
            if not found:
                raise UnreadableFile(format_lazy(_("{name} holds no Shapefile (.shp) or KML."), name=file_name),
                                     field="file")
            path = found[0]
            if path.suffix == ".shp" and not path.with_suffix(".prj").exists():
                notes.append(str(_("the Shapefile has no .prj: its coordinates are read as WGS 84 degrees, or as "
                                   "UTM where they are metres")))
        else:
            path = folder_path / f"upload{suffix}"
            path.write_bytes(content)
        try:
            source = DataSource(str(path), encoding="utf-8")
            layer = source[0]
        except (GDALException, IndexError) as exc:
            raise UnreadableFile(format_lazy(_("{name} cannot be read as a GIS file ({reason})."), name=file_name,
                                             reason=str(exc)[:120]), field="file") from exc
        fields = list(layer.fields)
        table = Table(name=layer.name, header=[*fields, GEOMETRY_COLUMN], has_geometry=True, notes=notes)
        wgs84 = SpatialReference(4326)
        for number, feature in enumerate(layer, start=1):
            try:
                geometry = feature.geom  # the feature's own (a layer's declared type may be "unknown")
            except GDALException:
                geometry = None
            wkt = None
            if geometry is not None and not geometry.empty:
                if geometry.srs is not None and geometry.srs.srid != 4326:
                    geometry.transform(wgs84)
                wkt = geometry.wkt
            table.rows.append([_gdal_value(feature, name) for name in fields] + [wkt])
            table.line_numbers.append(number)
        return table


def _gdal_value(feature, name: str):
    value = feature.get(name)
    return None if value in ("", None) else value
