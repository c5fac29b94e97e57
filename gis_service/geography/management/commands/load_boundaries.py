"""manage.py load_boundaries: load Thailand's 77 provinces, 928 districts and 7,425 subdistricts."""
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from gis_service.geography.boundaries import EXPECTED_COUNTS, boundaries_loaded, load_boundaries
from gis_service.geography.models import Province


class Command(BaseCommand):
    help = "Load the official administrative boundaries from fixtures/thailand (skipped when already loaded)."

    def handle(self, *args, **options) -> None:
        self.verbosity = options["verbosity"]
        if boundaries_loaded():
            self.say("Boundaries already loaded (77 provinces, 928 districts, 7,425 subdistricts): skipped.")
            return
        if Province.objects.exists():
            raise CommandError(
                "The boundary tables hold a partial or different set; they were not changed. "
                "Empty them (a fresh database) and run load_boundaries again."
            )
        with tqdm(total=sum(EXPECTED_COUNTS.values()), unit="area", desc="Loading boundaries",
                  disable=options["verbosity"] == 0) as bar:
            counts = load_boundaries(progress=bar.update)
        self.say(self.style.SUCCESS(
            f"Loaded {counts['provinces']} provinces, {counts['districts']} districts, "
            f"{counts['subdistricts']} subdistricts."
        ))

    def say(self, message: str) -> None:
        """Write a line unless --verbosity 0 asked for silence."""
        if self.verbosity:
            self.stdout.write(message)
