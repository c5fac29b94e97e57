"""manage.py load_lao_register [--file PATH]: load or reload the DLA's register of LAOs."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gis_service.geography.boundaries import boundaries_loaded
from gis_service.geography.lao_register import REGISTER_FILE, RegisterRefused, load_register


class Command(BaseCommand):
    help = ("Load the DLA's LAO register (codes are the key; names, types and offices updated; LAOs a newer file "
            "no longer lists marked inactive). A file with any bad row is refused whole.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--file", type=Path, default=REGISTER_FILE,
                            help=f"the register as CSV (default {REGISTER_FILE})")

    def handle(self, *args, **options) -> None:
        self.verbosity = options["verbosity"]
        if not boundaries_loaded():
            raise CommandError("Load the boundaries first: manage.py load_boundaries")
        try:
            report = load_register(options["file"])
        except RegisterRefused as exc:
            raise CommandError(str(exc)) from exc
        if self.verbosity > 1:
            for warning in report.warnings:
                self.stdout.write(f"  note: {warning}")
        if not report.changed_anything:
            self.say(f"LAO register already up to date ({report.unchanged} LAOs).")
            return
        self.say(self.style.SUCCESS(
            f"LAO register loaded: {report.created} new, {report.updated} updated, {report.unchanged} unchanged, "
            f"{len(report.deactivated)} no longer listed (marked inactive); served subdistricts "
            f"+{report.served_added} -{report.served_removed}; {len(report.warnings)} notes (--verbosity 2)."))
        if report.deactivated:
            more = " ..." if len(report.deactivated) > 20 else ""
            self.say(f"Inactive now: {', '.join(report.deactivated[:20])}{more}")

    def say(self, message: str) -> None:
        """Write a line unless --verbosity 0 asked for silence."""
        if self.verbosity:
            self.stdout.write(message)
