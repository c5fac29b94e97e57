"""manage.py import_sites FILE --programme ID [--commit] [--report PATH]: a planner's file into a programme."""
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from gis_service.errors import ServiceError
from gis_service.imports import importer
from gis_service.imports.report_files import write_report
from gis_service.programmes.registry import PROGRAMMES, UnknownProgramme, get_programme


class Command(BaseCommand):
    help = ("Import sites from a workbook (.xlsx, .xls, .ods), CSV or GIS file (GeoJSON, GeoPackage, KML/KMZ, zipped "
            "Shapefile). A dry run by default: every row is checked and reported, nothing written; --commit writes "
            "the accepted rows as one import batch (--rollback BATCH undoes one).")

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, nargs="?")
        parser.add_argument("--programme", choices=[p.id for p in PROGRAMMES])
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--dry-run", action="store_true", help="check and report only (the default)")
        mode.add_argument("--commit", action="store_true", help="write the accepted rows as an import batch")
        mode.add_argument("--rollback", type=int, metavar="BATCH", help="undo an import batch")
        parser.add_argument("--sheet", help="the workbook's sheet to read (default: the one whose header fits best)")
        parser.add_argument("--map", action="append", default=[], metavar="TARGET=HEADER",
                            help="correct the column mapping, e.g. --map lat=Y (an empty HEADER ignores the target)")
        parser.add_argument("--on-existing", choices=[importer.UPDATE, importer.SKIP], default=importer.UPDATE,
                            help="rows with the code of an existing site (default: update it)")
        parser.add_argument("--on-nearby", choices=[importer.SKIP, importer.CREATE], default=importer.SKIP,
                            help="new rows near an existing site (default: skip them)")
        parser.add_argument("--publish", action="store_true", help="publish the new sites at once")
        parser.add_argument("--user", help="import as this user (their role and LAOs apply)")
        parser.add_argument("--report", type=Path, help="write the row-by-row report here (.csv or .xlsx)")
        parser.add_argument("--language", choices=["th", "en"], default="th", help="of the report's messages")

    def handle(self, *args, **options) -> None:
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"No user {options['user']!r}.")
        try:
            if options["rollback"] is not None:
                batch = importer.ImportBatch.objects.filter(pk=options["rollback"]).first()
                if batch is None:
                    raise CommandError(f"No import batch {options['rollback']}.")
                done = importer.rollback(batch, user)
                self.stdout.write(f"Import {batch.id} rolled back: {done['removed']} sites removed, "
                                  f"{done['restored']} restored.")
                return
            if not options["file"] or not options["programme"]:
                raise CommandError("Give the FILE and --programme (or --rollback BATCH).")
            programme = get_programme(options["programme"])
            mapping = {}
            for item in options["map"]:
                target, _sep, header = item.partition("=")
                mapping[target.strip()] = header.strip() or None
            choices = importer.Options(mapping=mapping, on_existing=options["on_existing"],
                                       on_nearby=options["on_nearby"], sheet=options["sheet"],
                                       publish=options["publish"])
            content = options["file"].read_bytes()
            run = importer.commit if options["commit"] else importer.plan
            report = run(content, options["file"].name, programme, choices, user)
        except (ServiceError, UnknownProgramme) as exc:
            raise CommandError(getattr(exc, "message_en", str(exc))) from exc
        except OSError as exc:
            raise CommandError(f"Cannot read {options['file']}: {exc.strerror}.") from exc
        counts = report.counts
        self.stdout.write(f"{report.file_name} ({report.table.name}): {len(report.rows)} rows; " + ", ".join(
            f"{n} {outcome}" for outcome, n in counts.items() if n and not outcome.startswith("to_")))
        for note in report.table.notes:
            self.stdout.write(f"  note: {note}")
        for row in report.rows:
            if row.problems or (options["verbosity"] > 1 and row.fixes):
                self.stdout.write(f"  line {row.line}: {row.outcome}: {row.message('en')}")
        if report.batch:
            self.stdout.write(self.style.SUCCESS(
                f"Import batch {report.batch.id}: {counts['to_create']} created, {counts['to_update']} updated."))
        else:
            self.stdout.write(f"Dry run: {counts['to_create']} would be created, {counts['to_update']} updated "
                              "(--commit writes them).")
        if options["report"]:
            write_report(report, options["report"], options["language"])
            self.stdout.write(f"Report written to {options['report']}.")
