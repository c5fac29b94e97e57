"""manage.py generate_national_dataset: the deterministic national programme dataset."""
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from gis_service.geography.laos import laos_present
from gis_service.programmes.dataset import generate_dataset, generated_present


class Command(BaseCommand):
    help = (
        "Create the generated national dataset (10,801 groundwater banks, 7,070 roads, 2,419 playgrounds, "
        "about 1,000 e-waste points per unit of scale), replacing only previously generated records."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--scale", type=float, default=1.0, help="Multiply the counts (e.g. 10 for benchmarks)")
        parser.add_argument("--if-missing", action="store_true", help="Do nothing when a generated dataset exists")

    def handle(self, *args, **options) -> None:
        self.verbosity = options["verbosity"]
        if options["scale"] <= 0 or options["scale"] > 100:
            raise CommandError("--scale must be above 0 and at most 100.")
        if options["seed"] < 0:
            raise CommandError("--seed must be a non-negative integer.")
        if options["if_missing"] and generated_present():
            self.say("A generated dataset is already present: skipped.")
            return
        if not laos_present():
            raise CommandError("Load the boundaries and LAOs first: manage.py load_boundaries; manage.py generate_laos")
        started = time.monotonic()
        total = round(sum([10_801, 7_070, 2_419, 1_000]) * options["scale"])
        with tqdm(total=total, unit="site", desc="Generating sites", disable=options["verbosity"] == 0) as bar:
            counts = generate_dataset(options["seed"], options["scale"], progress=bar.update)
        summary = ", ".join(f"{count:,} {name}" for name, count in counts.items())
        self.say(self.style.SUCCESS(f"Generated {summary} in {time.monotonic() - started:.1f} s."))

    def say(self, message: str) -> None:
        """Write a line unless --verbosity 0 asked for silence."""
        if self.verbosity:
            self.stdout.write(message)
