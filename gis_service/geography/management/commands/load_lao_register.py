"""manage.py load_lao_register [--file PATH] [--province CODE ...]: load or reload the DLA's register of LAOs.

Generated LAOs left by an earlier installation are then retired: what refers to them moves to the register LAO
serving the same place (geography/lao_succession.py), in the same transaction as the load.
"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from gis_service.geography.boundaries import boundaries_loaded
from gis_service.geography.lao_register import REGISTER_FILE, RegisterRefused, load_register
from gis_service.geography.lao_succession import NoSuccessor, generated_laos_present, retire_generated_laos
from gis_service.geography.models import Province


class Command(BaseCommand):
    help = ("Load the DLA's LAO register (codes are the key; names, types and offices updated; LAOs a newer file "
            "no longer lists marked inactive). A file with any bad row is refused whole.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--file", type=Path, default=REGISTER_FILE,
                            help=f"the register as CSV (default {REGISTER_FILE})")
        parser.add_argument("--province", action="append", default=None, metavar="CODE",
                            help="load only this province's LAOs, e.g. TH30 (repeatable; default: the whole file)")

    def handle(self, *args, **options) -> None:
        self.verbosity = options["verbosity"]
        provinces = options["province"]
        if provinces:
            missing = sorted(set(provinces) - set(Province.objects.values_list("code", flat=True)))
            if missing:
                raise CommandError(f"No boundaries for {', '.join(missing)}: load them first (manage.py "
                                   "load_boundaries), or name provinces by their code, e.g. TH30.")
        elif not boundaries_loaded():
            raise CommandError("Load the boundaries first: manage.py load_boundaries")
        try:
            with transaction.atomic():
                report = load_register(options["file"], provinces)
                moved = retire_generated_laos() if generated_laos_present() else {}
        except (RegisterRefused, NoSuccessor) as exc:
            raise CommandError(str(exc)) from exc
        if moved:
            rows = ", ".join(f"{n} in {name}" for name, n in sorted(moved.items()) if name != "deleted_generated_laos")
            self.say(f"Generated LAOs retired: {moved['deleted_generated_laos']} deleted; references moved to the "
                     f"register: {rows or 'none'}.")
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
