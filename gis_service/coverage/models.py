"""Coverage results cache, jobs, and the metric copies of the subdistricts the engine measures in."""
import uuid

from django.db import models


class CoverageResult(models.Model):
    """A computed result, keyed by a hash of its inputs and the data versions it was computed from."""

    key = models.CharField(max_length=64, primary_key=True, help_text="sha256 of kind, inputs and data versions")
    kind = models.CharField(max_length=24)
    params = models.JSONField()
    content_type = models.CharField(max_length=80)
    # Stored as the bytes served, so a cache hit is one indexed read and no re-encoding.
    payload = models.BinaryField()
    compute_s = models.FloatField(help_text="Seconds the computation took")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["kind", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.key[:12]}"


class CoverageJob(models.Model):
    """A computation too long for one request: run by a worker process, its progress polled."""

    class State(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=24)
    params = models.JSONField()
    result_key = models.CharField(max_length=64)
    state = models.CharField(max_length=8, choices=State.choices, default=State.QUEUED, db_index=True)
    progress = models.FloatField(default=0.0, help_text="0 to 1")
    message = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    worker_pid = models.IntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.kind} job {self.id} ({self.state})"


class MetricUnit(models.Model):
    """A subdistrict projected into its UTM zone (47N or 48N by longitude), derived from the boundaries.

    Kept like an index: rebuilt when the boundaries change, so area work never reprojects them.
    The geometry column holds two SRIDs, so it is created by the migration's SQL, not by a field.
    """

    subdistrict = models.OneToOneField("geography.Subdistrict", on_delete=models.CASCADE, primary_key=True)
    srid = models.IntegerField()
    area_m2 = models.FloatField()

    class Meta:
        db_table = "coverage_metric_unit"

    def __str__(self) -> str:
        return f"{self.subdistrict_id} in EPSG:{self.srid}"
