"""manage.py generate_laos: a deterministic, plausible LAO register made from the boundaries."""
from django.core.management.base import BaseCommand, CommandError

from gis_service.geography.boundaries import boundaries_loaded
from gis_service.geography.laos import generate_laos, laos_present


class Command(BaseCommand):
    help = "Generate one LAO per subdistrict outside Bangkok plus provincial ones (skipped when present)."

    def handle(self, *args, **options) -> None:
        self.verbosity = options["verbosity"]
        if laos_present():
            self.say("Generated LAOs already present: skipped.")
            return
        if not boundaries_loaded():
            raise CommandError("Load the boundaries first: manage.py load_boundaries")
        count = generate_laos()
        self.say(self.style.SUCCESS(f"Generated {count} LAOs (marked generated)."))

    def say(self, message: str) -> None:
        """Write a line unless --verbosity 0 asked for silence."""
        if self.verbosity:
            self.stdout.write(message)
