"""manage.py coverage_worker JOB_ID: run one coverage job (started by the API; also usable by hand)."""
from django.core.management.base import BaseCommand, CommandError

from gis_service.coverage.jobs import run_job
from gis_service.coverage.models import CoverageJob


class Command(BaseCommand):
    help = "Run one queued coverage job to its end, reporting progress to its row."

    def add_arguments(self, parser) -> None:
        parser.add_argument("job_id")

    def handle(self, *args, **options) -> None:
        try:
            job = run_job(options["job_id"])
        except CoverageJob.DoesNotExist:
            raise CommandError(f"No coverage job {options['job_id']}.") from None
        self.stdout.write(f"job {job.id}: {job.state} ({job.message})")
