"""manage.py generate_national_dataset: the deterministic national programme dataset."""
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from gis_service.geography.lao_register import register_present
from gis_service.programmes.dataset import generate_dataset, missing_programmes, planned_total
from gis_service.programmes.registry import PROGRAMMES


class Command(BaseCommand):
    help = (
        "Create the generated national dataset (each programme's published figure per unit of scale: "
        + ", ".join(f"{p.published_figure:,} {p.id}" for p in PROGRAMMES)
        + "), replacing only previously generated records."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--seed", type=int, default=42)
        parser.add_argument("--scale", type=float, default=1.0, help="Multiply the counts (e.g. 10 for benchmarks)")
        parser.add_argument("--if-missing", action="store_true",
                            help="Generate only the programmes that hold no generated records yet")

    def handle(self, *args, **options) -> None:
        self.verbosity = options["verbosity"]
        if options["scale"] <= 0 or options["scale"] > 100:
            raise CommandError("--scale must be above 0 and at most 100.")
        if options["seed"] < 0:
            raise CommandError("--seed must be a non-negative integer.")
        programmes = missing_programmes() if options["if_missing"] else list(PROGRAMMES)
        if not programmes:
            self.say("A generated dataset is already present: skipped.")
            return
        if not register_present():
            raise CommandError("Load the boundaries and the LAO register first: manage.py load_boundaries; "
                               "manage.py load_lao_register")
        started = time.monotonic()
        total = planned_total(options["scale"], programmes)
        with tqdm(total=total, unit="site", desc="Generating sites", disable=options["verbosity"] == 0) as bar:
            counts = generate_dataset(options["seed"], options["scale"], progress=bar.update, programmes=programmes)
        summary = ", ".join(f"{count:,} {name}" for name, count in counts.items())
        self.say(self.style.SUCCESS(f"Generated {summary} in {time.monotonic() - started:.1f} s."))

    def say(self, message: str) -> None:
        """Write a line unless --verbosity 0 asked for silence."""
        if self.verbosity:
            self.stdout.write(message)
