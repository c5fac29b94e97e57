"""Importing planners' files: realistic sheets with planted defects, each defect's expected outcome stated beside it.

The sheets are built here the way planners' are: a title row above Thai headers, Buddhist Era years, DMS
coordinates, swapped columns, money in millions, LAOs by name, UTM without a zone, TIS-620 CSV, GIS files.
"""
import csv
import io
import json
import subprocess
import zipfile

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from rest_framework.test import APIClient

from gis_service.geography.models import LAO, Subdistrict
from gis_service.geography.queries import laos_serving_point
from gis_service.imports import importer
from gis_service.imports.models import ImportBatch
from gis_service.programmes.models import GroundwaterBank, Source, Status
from gis_service.programmes.registry import get_programme

pytestmark = pytest.mark.django_db
WELLS = get_programme("groundwater_banks")
HEADER = ["ลำดับ", "รหัส", "ชื่อโครงการ", "สถานะ", "ปีงบประมาณ", "งบประมาณ (บาท)", "อปท.", "ตำบล", "อำเภอ",
          "จังหวัด", "ละติจูด", "ลองจิจูด", "ความลึก (ม.)", "ประเภทระบบ"]


def inside(code: str) -> tuple[float, float]:
    """(lat, lon) of a point inside a subdistrict."""
    point = Subdistrict.objects.get(code=code).geom.point_on_surface
    return round(point.y, 6), round(point.x, 6)


def dms(value: float, positive: str, negative: str) -> str:
    degrees = int(abs(value))
    minutes = int((abs(value) - degrees) * 60)
    seconds = (abs(value) - degrees - minutes / 60) * 3600
    return f"{degrees}°{minutes}'{seconds:.2f}\"{positive if value >= 0 else negative}"


@pytest.fixture
def planted():
    """The sheet's rows, and the outcome each must come to (by line of the file: title on 1, header on 2)."""
    existing = GroundwaterBank.objects.filter(subdistrict__province__code="TH30").order_by("code").first()
    city_lat, city_lon = inside("TH300101")
    sao_lat, sao_lon = inside("TH300105")
    far_lat, far_lon = inside("TH301702")
    near = existing.geom
    other_sao = LAO.objects.filter(kind="sao", province__code="TH30").exclude(
        id__in=laos_serving_point(city_lon, city_lat)).order_by("code").first()
    rows = [
        # line 3: plain decimal degrees, CE year, thousands separators: accepted as is
        ["1", "", "ธนาคารน้ำใต้ดินบ้านโนน", "ใช้งานได้", "2023", "1,250,000", "", "", "", "นครราชสีมา",
         sao_lat, sao_lon, "3.5", "ระบบปิด"],
        # line 4: degrees-minutes-seconds, Buddhist Era year: fixed (both said)
        ["2", "", "ธนาคารน้ำใต้ดินบ้านดอน", "วางแผน", "2566", "500000", "", "", "", "",
         dms(far_lat, "N", "S"), dms(far_lon, "E", "W"), "", "open"],
        # line 5: latitude and longitude swapped, money in millions, Thai digits: fixed
        ["3", "", "ธนาคารน้ำใต้ดินหนองบัว", "ใช้งานได้", "๒๕๖๕", "1.2 ล้านบาท", "", "", "", "",
         far_lon, far_lat, "4", "ระบบปิด"],
        # line 6: at sea: rejected, the location columns named
        ["4", "", "ธนาคารน้ำใต้ดินกลางทะเล", "ใช้งานได้", "2566", "", "", "", "", "", 12.0, 100.8, "", ""],
        # line 7: a status no one knows: rejected, naming the column สถานะ
        ["5", "", "ธนาคารน้ำใต้ดินบ้านพัง", "พัง", "2566", "", "", "", "", "", far_lat + 0.003, far_lon, "", ""],
        # line 8: the LAO written as people write it, at the city: fixed (matched to the city's code)
        ["6", "", "ธนาคารน้ำใต้ดินในเมือง", "ใช้งานได้", "2566", "", "ทน. นครราชสีมา", "", "", "",
         city_lat, city_lon, "", ""],
        # line 9: an SAO named that does not serve the point: rejected, the LAOs serving it named
        ["7", "", "ธนาคารน้ำใต้ดินผิดที่", "ใช้งานได้", "2566", "", other_sao.full_name_th, "", "", "",
         city_lat + 0.002, city_lon, "", ""],
        # line 10: 5 m from an existing well: a possible duplicate, skipped unless decided otherwise
        ["8", "", "ธนาคารน้ำใต้ดินซ้ำ", "ใช้งานได้", "2566", "", "", "", "", "", near.y + 0.00004, near.x, "", ""],
        # line 11: the code of an existing well, its status changed: existing, to be updated
        ["9", existing.code, existing.name_th, "ต้องซ่อมแซม", str(existing.programme_year + 543), "", "", "", "", "",
         near.y, near.x, "", existing.system_type],
        # line 12: the same code again: rejected (repeated)
        ["10", existing.code, existing.name_th, "ใช้งานได้", "2566", "", "", "", "", "", near.y, near.x, "", ""],
        # line 13: the sheet says Songkhla, the point is in Korat: rejected, naming both
        ["11", "", "ธนาคารน้ำใต้ดินหลงจังหวัด", "ใช้งานได้", "2566", "", "", "", "", "จ.สงขลา",
         sao_lat + 0.004, sao_lon, "", ""],
    ]
    expected = {3: importer.ACCEPTED, 4: importer.FIXED, 5: importer.FIXED, 6: importer.REJECTED,
                7: importer.REJECTED, 8: importer.FIXED, 9: importer.REJECTED, 10: importer.DUPLICATE,
                11: importer.EXISTING, 12: importer.REJECTED, 13: importer.REJECTED}
    return rows, expected, existing


def csv_file(rows: list[list], encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["ทะเบียนธนาคารน้ำใต้ดิน จังหวัดนครราชสีมา ปีงบประมาณ 2566"])  # a title row above the header
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def upload(content: bytes, name: str = "wells.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/csv")


def outcomes(report) -> dict[int, str]:
    return {row.line: row.outcome for row in report.rows}


def test_a_dry_run_reports_every_planted_defect_and_writes_nothing(planted):
    rows, expected, existing = planted
    before = GroundwaterBank.objects.count()
    report = importer.plan(csv_file(rows), "wells.csv", WELLS)
    assert outcomes(report) == expected
    assert GroundwaterBank.objects.count() == before, "a dry run writes nothing"
    by_line = {row.line: row for row in report.rows}
    assert any("2566" in str(f) and "2023" in str(f) for f in map(str, by_line[4].fixes)), by_line[4].fixes
    assert any("degrees" in str(f) for f in by_line[4].fixes)
    assert any("swapped" in str(f) for f in by_line[5].fixes)
    assert any("millions" in str(f) for f in by_line[5].fixes)
    assert "3300102" in by_line[8].message("en")
    assert "สถานะ" in by_line[7].message("th") and "พัง" in by_line[7].message("en")
    assert "does not serve" in by_line[9].message("en") and "3300102" in by_line[9].message("en")
    assert by_line[10].duplicate_of and by_line[10].action == importer.SKIP
    assert by_line[11].action == importer.UPDATE
    assert "repeated" in by_line[12].message("en")
    assert "สงขลา" in by_line[13].message("en") and "นครราชสีมา" in by_line[13].message("en")
    assert "ละติจูด" in by_line[6].message("en") and "no subdistrict of Thailand" in by_line[6].message("en")
    assert report.counts["to_create"] == 4 and report.counts["to_update"] == 1
    assert report.mapping_by_header()["lat"] == "ละติจูด" and report.mapping_by_header()["depth_m"] == "ความลึก (ม.)"


def test_commit_writes_the_accepted_rows_once_and_a_rollback_restores_everything(planted):
    rows, _expected, existing = planted
    before = GroundwaterBank.objects.count()
    content = csv_file(rows)
    report = importer.commit(content, "wells.csv", WELLS)
    batch = report.batch
    assert GroundwaterBank.objects.count() == before + 4
    assert GroundwaterBank.objects.get(pk=existing.pk).status == Status.NEEDS_REPAIR
    new = GroundwaterBank.objects.filter(code__in=batch.rows.filter(action="created").values("site_code"))
    assert new.count() == 4 and set(new.values_list("source", flat=True)) == {Source.IMPORT}
    assert new.get(name_th="ธนาคารน้ำใต้ดินบ้านดอน").programme_year == 2023
    assert float(new.get(name_th="ธนาคารน้ำใต้ดินหนองบัว").budget_thb) == 1_200_000
    assert new.get(name_th="ธนาคารน้ำใต้ดินในเมือง").lao.code == "3300102"

    again = importer.commit(content, "wells.csv", WELLS)
    assert GroundwaterBank.objects.count() == before + 4, "the same file twice creates nothing more"
    assert again.counts["to_create"] == 0 and again.counts["to_update"] == 0
    assert {row.outcome for row in again.rows} <= {importer.ALREADY, importer.UNCHANGED, importer.REJECTED,
                                                   importer.DUPLICATE}

    done = importer.rollback(batch)
    assert done == {"removed": 4, "restored": 1}
    assert GroundwaterBank.objects.count() == before
    assert GroundwaterBank.objects.get(pk=existing.pk).status == existing.status
    with pytest.raises(importer.Conflict):
        importer.rollback(ImportBatch.objects.get(pk=batch.pk))


def test_decisions_per_line_create_a_nearby_site_anyway(planted):
    rows, _expected, _existing = planted
    report = importer.plan(csv_file(rows), "wells.csv", WELLS, importer.Options(decisions={10: "create"}))
    assert {row.line: row.action for row in report.rows}[10] == importer.CREATE


def test_a_thai_windows_csv_and_a_corrected_mapping(planted):
    rows, expected, _existing = planted
    # TIS-620 cannot write the degree sign: those rows give decimals here.
    plain = [row[:10] + [float(row[10]) if isinstance(row[10], float) else row[10],
                         row[11]] + row[12:] for row in rows if "°" not in str(row[10])]
    content = csv_file(plain, encoding="cp874")
    report = importer.plan(content, "wells-874.csv", WELLS)
    assert "TIS-620" in " ".join(report.table.notes)
    assert {r.outcome for r in report.rows} >= {importer.ACCEPTED, importer.REJECTED}
    ignored = importer.plan(content, "wells-874.csv", WELLS, importer.Options(mapping={"province": None}))
    # Without the province column, the Songkhla row is no longer contradicted.
    last = {row.line: row.outcome for row in ignored.rows}[max(r.line for r in ignored.rows)]
    assert last in (importer.ACCEPTED, importer.FIXED)


def test_a_workbook_with_sheets_a_merged_title_excel_dates_and_utm_without_a_zone():
    from openpyxl import Workbook

    lat, lon = inside("TH300105")
    utm = Point(lon, lat, srid=4326)
    utm.transform(32648)  # Korat lies east of 102°E: zone 48N
    workbook = Workbook()
    workbook.active.title = "คำอธิบาย"
    workbook.active.append(["แบบฟอร์มนี้ใช้สำหรับบันทึกธนาคารน้ำใต้ดิน"])
    sheet = workbook.create_sheet("ข้อมูล")
    sheet.append(["รายงานธนาคารน้ำใต้ดิน อบจ.นครราชสีมา"])
    sheet.merge_cells("A1:F1")
    sheet.append(["ชื่อโครงการ", "ปีงบประมาณ", "Easting", "Northing", "จังหวัด", "วันที่ก่อสร้าง", "งบประมาณ"])
    sheet.append(["บ่อ A", 2566, round(utm.x, 1), round(utm.y, 1), "นครราชสีมา", 45000, "=1000*250"])
    sheet.append(["บ่อ B", "ปีงบประมาณ 2567", round(utm.x + 300, 1), round(utm.y, 1), "นครราชสีมา",
                  "15 ม.ค. 2567", 90000])
    buffer = io.BytesIO()
    workbook.save(buffer)
    report = importer.plan(buffer.getvalue(), "wells.xlsx", WELLS)
    assert report.table.name == "ข้อมูล"
    assert [row.outcome for row in report.rows] == [importer.FIXED, importer.FIXED], [r.problems for r in report.rows]
    fixes = " ".join(str(f) for f in report.rows[0].fixes)
    assert "48N" in fixes and "Excel" in fixes
    site = report.rows[0].site
    assert abs(site.geom.x - lon) < 1e-5 and abs(site.geom.y - lat) < 1e-5
    assert str(report.rows[1].site.construction_date) == "2024-01-15"


def test_gis_files_geojson_zipped_shapefile_and_kml(tmp_path):
    lat, lon = inside("TH300105")
    collection = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [lon, lat]},
         "properties": {"name": "บ่อจาก GIS", "year": 2566, "status": "operational"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [100.8, 12.0]},
         "properties": {"name": "บ่อกลางทะเล", "year": 2566, "status": "operational"}},
    ]}
    geojson = json.dumps(collection, ensure_ascii=False).encode()
    report = importer.plan(geojson, "wells.geojson", WELLS)
    assert [row.outcome for row in report.rows] == [importer.FIXED, importer.REJECTED]
    source = tmp_path / "wells.geojson"
    source.write_bytes(geojson)
    subprocess.run(["ogr2ogr", "-f", "ESRI Shapefile", "-lco", "ENCODING=UTF-8", str(tmp_path / "shp"), str(source)],
                   check=True, capture_output=True)
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as handle:
        for path in (tmp_path / "shp").iterdir():
            handle.write(path, path.name)
    shapefile = importer.plan(archive.getvalue(), "wells.zip", WELLS)
    assert [row.outcome for row in shapefile.rows] == [importer.FIXED, importer.REJECTED]
    subprocess.run(["ogr2ogr", "-f", "KML", str(tmp_path / "wells.kml"), str(source)], check=True, capture_output=True)
    kml = importer.plan((tmp_path / "wells.kml").read_bytes(), "wells.kml", WELLS)
    assert kml.rows[0].site is not None and kml.rows[0].site.name_th == "บ่อจาก GIS"


@pytest.mark.parametrize(("name", "content", "says"), [
    ("empty.csv", b"", "empty"),
    ("header-only.csv", "ชื่อ,ละติจูด,ลองจิจูด\n".encode(), "no rows"),
    ("virus.xlsx", b"MZ\x90\x00" + b"\x00" * 200, "cannot be read as a workbook"),
    ("notes.docx", b"PK\x03\x04", "cannot be imported"),
    ("nothing.csv", b"a,b,c\n1,2,3\n", "No header row"),
])
def test_bad_files_are_refused_with_a_message_and_nothing_written(name, content, says):
    before = GroundwaterBank.objects.count(), ImportBatch.objects.count()
    with pytest.raises(importer.InvalidInput) as refused:
        importer.commit(content, name, WELLS)
    assert says in refused.value.message_en
    assert (GroundwaterBank.objects.count(), ImportBatch.objects.count()) == before


def test_a_zip_bomb_is_refused_before_it_is_unpacked(settings):
    settings.IMPORT_MAX_BYTES = 1_000_000
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as handle:
        handle.writestr("big.shp", b"\x00" * 5_000_000)
    with pytest.raises(importer.InvalidInput, match="unpack"):
        importer.plan(archive.getvalue(), "bomb.zip", WELLS)


def test_the_api_dry_run_commit_report_and_rollback_as_a_planner(planted):
    rows, expected, _existing = planted
    planner = User.objects.create_user("import-planner", password="x-Very-long-42")
    planner.groups.add(Group.objects.get(name="planner"))
    client = APIClient()
    client.force_authenticate(planner)
    content = csv_file(rows)
    dry = client.post("/api/imports/dry-run?lang=th", {"file": upload(content), "programme": "groundwater_banks"},
                      format="multipart")
    assert dry.status_code == 200, dry.content
    assert {row["line"]: row["outcome"] for row in dry.json()["rows"]} == expected
    sheet = client.post("/api/imports/dry-run?report=csv&lang=th",
                        {"file": upload(content), "programme": "groundwater_banks"}, format="multipart")
    assert sheet.status_code == 200 and sheet.content.startswith(b"\xef\xbb\xbf")
    report_rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    assert report_rows[0][-2:] == ["ผลการนำเข้า", "ข้อความจากการนำเข้า"] and len(report_rows) == len(rows) + 1
    workbook = client.post("/api/imports/dry-run?report=xlsx",
                           {"file": upload(content), "programme": "groundwater_banks"}, format="multipart")
    assert workbook.status_code == 200 and workbook.content[:2] == b"PK"
    committed = client.post("/api/imports", {"file": upload(content), "programme": "groundwater_banks"},
                            format="multipart")
    assert committed.status_code == 201
    batch_id = committed.json()["batch"]
    assert client.get(f"/api/imports/{batch_id}").json()["counts"]["to_create"] == 4
    undone = client.post(f"/api/imports/{batch_id}/rollback")
    assert undone.status_code == 200 and undone.json()["removed"] == 4
    again = client.post(f"/api/imports/{batch_id}/rollback")
    assert again.status_code == 409


def test_the_api_refuses_the_public_and_bad_requests_clearly(planted):
    rows, _expected, _existing = planted
    anonymous = APIClient().post("/api/imports/dry-run", {"file": upload(csv_file(rows)),
                                                          "programme": "groundwater_banks"}, format="multipart")
    assert anonymous.status_code in (401, 403)
    reviewer = User.objects.create_user("import-reviewer", password="x-Very-long-42")
    reviewer.groups.add(Group.objects.get(name="reviewer"))
    client = APIClient()
    client.force_authenticate(reviewer)
    forbidden = client.post("/api/imports/dry-run", {"file": upload(csv_file(rows)),
                                                     "programme": "groundwater_banks"}, format="multipart")
    assert forbidden.status_code == 403
    reviewer.groups.add(Group.objects.get(name="planner"))
    for data, field in (({"programme": "groundwater_banks"}, "file"),
                        ({"file": upload(csv_file(rows)), "programme": "wells"}, "programme"),
                        ({"file": upload(csv_file(rows)), "programme": "groundwater_banks", "mapping": "[1]"},
                         "mapping"),
                        ({"file": upload(csv_file(rows)), "programme": "groundwater_banks",
                          "mapping": '{"lat": "no such column"}'}, "mapping"),
                        ({"file": upload(csv_file(rows)), "programme": "groundwater_banks",
                          "decisions": '{"10": "burn"}'}, "decisions")):
        refused = client.post("/api/imports/dry-run", data, format="multipart")
        assert refused.status_code == 400, refused.content
        body = refused.json()
        assert body["errors"][0]["field"] == field and body["errors"][0]["message_th"]


def test_a_field_officer_imports_only_inside_their_lao(planted):
    from tests.fieldwork.test_field_support import make_officer

    rows, _expected, _existing = planted
    city_lat, city_lon = inside("TH300101")
    officer, _token = make_officer("import-officer", at=(city_lon, city_lat))
    report = importer.plan(csv_file(rows), "wells.csv", WELLS, user=officer)
    by_line = {row.line: row for row in report.rows}
    assert by_line[8].outcome == importer.FIXED, "the city's own well"
    assert by_line[3].outcome == importer.REJECTED and "outside your LAOs" in by_line[3].message("en")


def test_the_command_runs_a_dry_run_and_commits(planted, tmp_path, capsys):
    rows, _expected, _existing = planted
    path = tmp_path / "wells.csv"
    path.write_bytes(csv_file(rows))
    before = GroundwaterBank.objects.count()
    call_command("import_sites", str(path), programme="groundwater_banks", report=tmp_path / "report.xlsx")
    out = capsys.readouterr().out
    assert "Dry run: 4 would be created, 1 updated" in out and "line 7: rejected" in out
    assert (tmp_path / "report.xlsx").read_bytes()[:2] == b"PK"
    assert GroundwaterBank.objects.count() == before
    call_command("import_sites", str(path), programme="groundwater_banks", commit=True)
    assert GroundwaterBank.objects.count() == before + 4
    (tmp_path / "notes.doc").write_bytes(b"\xd0\xcf\x11\xe0 a Word file")
    with pytest.raises(CommandError, match="cannot be imported"):
        call_command("import_sites", str(tmp_path / "notes.doc"), programme="groundwater_banks")
