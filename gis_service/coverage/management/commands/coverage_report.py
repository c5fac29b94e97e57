"""manage.py coverage_report: a coverage run (national by default) written as GeoJSON, CSV and GeoTIFF."""
import csv
import json
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict
from tqdm import tqdm

from gis_service.coverage import planning, reports
from gis_service.coverage.errors import CoverageError
from gis_service.coverage.params import parse_params
from gis_service.coverage.population import parse_population


class Command(BaseCommand):
    help = ("Compute coverage by administrative unit (all sites, published or not) and write units.csv, "
            "units.json, gaps.geojson, proposals.geojson, repairs.csv and distance.tif into --out.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--layer", default="groundwater_banks")
        parser.add_argument("--radius-m", default="1000")
        parser.add_argument("--statuses", default="operational")
        parser.add_argument("--level", default="subdistrict")
        parser.add_argument("--area", default="", help="Admin code of the area (default: all Thailand)")
        parser.add_argument("--population", default="", help="region12_under5, or a GeoTIFF path (people per cell)")
        parser.add_argument("--resolution-m", default="500")
        parser.add_argument("--count", default="10", help="How many new sites to propose")
        parser.add_argument("--out", required=True, help="Directory to write into")
        parser.add_argument("--skip", nargs="*", default=[], choices=["gaps", "proposals", "repairs", "distance"])

    def handle(self, *args, **options) -> None:
        population = options["population"]
        try:
            if population and Path(population).is_file():
                from gis_service.coverage.population import store_upload

                population = store_upload(Path(population).read_bytes())
            query = QueryDict(mutable=True)
            query.update({"layer": options["layer"], "radius_m": options["radius_m"], "statuses": options["statuses"],
                          "level": options["level"], "area": options["area"],
                          "resolution_m": options["resolution_m"], "count": options["count"]})
            params = parse_params(query, published_only=False, population=parse_population(population))
        except CoverageError as exc:
            raise CommandError(exc.message) from None
        out = Path(options["out"])
        out.mkdir(parents=True, exist_ok=True)
        steps = [("units", self._units), ("gaps", self._gaps), ("repairs", self._repairs),
                 ("proposals", self._proposals), ("distance", self._distance)]
        steps = [step for step in steps if step[0] not in options["skip"]]
        started = time.monotonic()
        with tqdm(total=len(steps) * 100, desc="Coverage", unit="%", disable=options["verbosity"] == 0) as bar:
            for index, (name, step) in enumerate(steps):
                def progress(share: float, message: str, index=index, name=name) -> None:
                    bar.n = round(100 * index + 100 * share)
                    bar.set_postfix_str(f"{name}: {message}"[:60])
                    bar.refresh()

                try:
                    written = step(params, out, progress)
                except CoverageError as exc:
                    raise CommandError(f"{name}: {exc.message}") from None
                bar.n = 100 * (index + 1)
                bar.refresh()
                self.stdout.write(f"  wrote {written}")
        self.stdout.write(self.style.SUCCESS(f"Coverage report in {out} ({time.monotonic() - started:.1f} s)."))

    def _units(self, params, out: Path, progress) -> str:
        report = reports.units_report(params, progress)
        (out / "units.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
        (out / "units.csv").write_text(reports.units_csv(report), encoding="utf-8")
        return f"units.csv, units.json ({len(report['units'])} units)"

    def _gaps(self, params, out: Path, progress) -> str:
        gaps = reports.gaps_geojson(params, progress)
        (out / "gaps.geojson").write_text(json.dumps(gaps, ensure_ascii=False), encoding="utf-8")
        return f"gaps.geojson ({len(gaps['features'])} units with uncovered land)"

    def _repairs(self, params, out: Path, progress) -> str:
        result = planning.repairs(params, progress)
        columns = ["rank", "code", "name_th", "name_en", "subdistrict", "lon", "lat", "reach_km2", "uncovered_km2",
                   "people_regaining_access"]
        with open(out / "repairs.csv", "w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(result["sites"])
        return f"repairs.csv ({len(result['sites'])} sites needing repair)"

    def _proposals(self, params, out: Path, progress) -> str:
        result = planning.proposals(params, progress)
        (out / "proposals.geojson").write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        return f"proposals.geojson ({len(result['features'])} proposed sites)"

    def _distance(self, params, out: Path, progress) -> str:
        (out / "distance.tif").write_bytes(planning.distance_geotiff(params, progress))
        return "distance.tif"
