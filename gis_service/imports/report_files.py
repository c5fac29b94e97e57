"""The dry run's report as a file the planner opens in Excel: the original rows plus outcome and message columns,
so the sheet can be fixed and imported again."""
import csv
import io
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from gis_service.i18n import in_language
from gis_service.imports.importer import OUTCOME_TITLES, Report
from gis_service.imports.readers import GEOMETRY_COLUMN

OUTCOME_COLUMN = _("import outcome")
MESSAGE_COLUMN = _("import message")
LINE_COLUMN = _("line")


def report_rows(report: Report, language: str) -> list[list]:
    """Header then one row per line of the file: its cells, the outcome and the message, in `language`."""
    keep = [i for i, name in enumerate(report.table.header) if name != GEOMETRY_COLUMN]
    header = [in_language(LINE_COLUMN, language)] + [report.table.header[i] for i in keep] + [
        in_language(OUTCOME_COLUMN, language), in_language(MESSAGE_COLUMN, language)]
    rows = [header]
    for row in report.rows:
        cells = ["" if row.cells[i] is None else row.cells[i] for i in keep]
        rows.append([row.line, *cells, in_language(OUTCOME_TITLES[row.outcome], language), row.message(language)])
    return rows


def csv_bytes(report: Report, language: str) -> bytes:
    """The report as CSV with a BOM, so Excel shows the Thai right."""
    buffer = io.StringIO()
    csv.writer(buffer).writerows(report_rows(report, language))
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(report: Report, language: str) -> bytes:
    """The report as an Excel workbook, rejected rows highlighted."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    workbook = Workbook(write_only=False)
    sheet = workbook.active
    sheet.title = "report"
    rejected = PatternFill("solid", fgColor="FDE0DC")
    for number, cells in enumerate(report_rows(report, language)):
        sheet.append([cell if isinstance(cell, (int, float, str)) or cell is None else str(cell) for cell in cells])
        if number == 0:
            for cell in sheet[1]:
                cell.font = Font(bold=True)
        elif report.rows[number - 1].outcome == "rejected":
            for cell in sheet[number + 1]:
                cell.fill = rejected
    sheet.freeze_panes = "B2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_report(report: Report, path: Path, language: str) -> None:
    """Write the report to `path`, as XLSX when it ends .xlsx, else CSV."""
    path.write_bytes(xlsx_bytes(report, language) if path.suffix.lower() == ".xlsx" else csv_bytes(report, language))
