"""Coverage computations by kind, answered from the cache, inline, or as a job run by a worker process."""
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from gis_service.coverage import cache, planning, reports
from gis_service.coverage.models import CoverageJob, CoverageResult
from gis_service.coverage.params import CoverageParams

# A job whose worker has not reported for this long has died (its process ended or its machine went).
STALE_AFTER = timedelta(minutes=15)
# Above this many subdistricts an uncached gaps or repairs computation takes seconds: run it as a job.
INLINE_SUBDISTRICTS = 1_500
INLINE_GRID_CELLS = 1_000_000


def _json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()


@dataclass(frozen=True)
class Kind:
    """One kind of result: how it is computed and served, and whether an uncached one is quick."""

    name: str
    content_type: str
    compute: Callable[[CoverageParams, reports.Progress], bytes]
    is_quick: Callable[[CoverageParams], bool]
    filename: str


def _subdistricts_in(params: CoverageParams) -> int:
    ids, clip = reports.area_scope(params)
    if clip is not None:
        return 100  # polygons are drawn by hand over a small area; the 100k-vertex limit bounds them
    return len(ids) if ids is not None else 7_425


def _grid_cells(params: CoverageParams) -> float:
    ids, clip = reports.area_scope(params)
    if ids is None and clip is None:
        return 515_000e6 / params.resolution_m ** 2 * 3  # Thailand's bounding box is about 3x its land
    return _subdistricts_in(params) * 70e6 / params.resolution_m ** 2 * 3


KINDS: dict[str, Kind] = {
    # Per-unit figures need the national measurement (for the nation's summary): quick once it is cached.
    "units": Kind(
        "units",
        "application/json",
        lambda p, pr: _json(reports.units_report(p, pr)),
        lambda p: reports.base_is_cached(p) and (not p.population or _subdistricts_in(p) <= INLINE_SUBDISTRICTS),
        "coverage_units.json",
    ),
    "gaps": Kind(
        "gaps",
        "application/geo+json",
        lambda p, pr: _json(reports.gaps_geojson(p, pr)),
        lambda p: _subdistricts_in(p) <= INLINE_SUBDISTRICTS,
        "coverage_gaps.geojson",
    ),
    "proposals": Kind(
        "proposals",
        "application/geo+json",
        lambda p, pr: _json(planning.proposals(p, pr)),
        lambda p: _grid_cells(p) <= INLINE_GRID_CELLS,
        "proposed_sites.geojson",
    ),
    "repairs": Kind(
        "repairs",
        "application/json",
        lambda p, pr: _json(planning.repairs(p, pr)),
        lambda p: _subdistricts_in(p) <= INLINE_SUBDISTRICTS,
        "repair_priorities.json",
    ),
    "distance": Kind(
        "distance",
        "image/tiff; application=geotiff",
        planning.distance_geotiff,
        lambda p: _grid_cells(p) <= INLINE_GRID_CELLS,
        "distance_to_service.tif",
    ),
}


def compute_and_store(
    kind: Kind, params: CoverageParams, key: str, progress: reports.Progress = reports.no_progress
) -> CoverageResult:
    """Compute a result now and keep it in the cache."""
    started = time.monotonic()
    payload = kind.compute(params, progress)
    return cache.store(key, kind.name, params, kind.content_type, payload, time.monotonic() - started)


def answer(kind: Kind, params: CoverageParams, force_job: bool = False) -> tuple[CoverageResult | CoverageJob, str]:
    """(the cached result, "hit"), (a result computed inline when quick, "miss") or (a job, "job")."""
    key = cache.result_key(kind.name, params)
    hit = cache.lookup(key)
    if hit is not None:
        return hit, "hit"
    if not force_job and kind.is_quick(params):
        return compute_and_store(kind, params, key), "miss"
    return start_job(kind, params, key), "job"


def start_job(kind: Kind, params: CoverageParams, key: str) -> CoverageJob:
    """A job for this result: the one already queued or running, or a new one with its worker started."""
    running = CoverageJob.objects.filter(
        result_key=key, state__in=[CoverageJob.State.QUEUED, CoverageJob.State.RUNNING]
    ).first()
    if running is not None and not is_stale(running):
        return running
    job = CoverageJob.objects.create(
        kind=kind.name, params=params.as_dict(), result_key=key, message="waiting for a worker"
    )
    transaction.on_commit(lambda: spawn_worker(job))
    return job


def spawn_worker(job: CoverageJob) -> None:
    """Start `manage.py coverage_worker <job>` in its own session, so it outlives the request."""
    log_dir = settings.MEDIA_ROOT / "coverage" / "jobs"
    log_dir.mkdir(parents=True, exist_ok=True)
    with open(log_dir / f"{job.id}.log", "ab") as log:
        process = subprocess.Popen(
            [sys.executable, str(settings.BASE_DIR / "manage.py"), "coverage_worker", str(job.id)],
            cwd=settings.BASE_DIR,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env=os.environ.copy(),
        )
    CoverageJob.objects.filter(id=job.id).update(worker_pid=process.pid)


def is_stale(job: CoverageJob) -> bool:
    """True when an unfinished job's worker has stopped reporting."""
    unfinished = job.state in (CoverageJob.State.QUEUED, CoverageJob.State.RUNNING)
    return unfinished and timezone.now() - job.updated_at > STALE_AFTER


def run_job(job_id: str) -> CoverageJob:
    """Run a job to its end in this process, reporting progress to its row."""
    job = CoverageJob.objects.get(id=job_id)
    if job.state == CoverageJob.State.DONE:
        return job
    kind = KINDS[job.kind]
    params = CoverageParams.from_dict(job.params)

    def progress(share: float, message: str) -> None:
        CoverageJob.objects.filter(id=job.id).update(
            progress=min(max(share, 0.0), 0.99), message=message[:300], updated_at=timezone.now()
        )

    CoverageJob.objects.filter(id=job.id).update(
        state=CoverageJob.State.RUNNING, message="started", worker_pid=os.getpid(), updated_at=timezone.now()
    )
    try:
        hit = cache.lookup(job.result_key) or compute_and_store(kind, params, job.result_key, progress)
    except Exception as exc:  # a job must always end in a state a person can read
        CoverageJob.objects.filter(id=job.id).update(
            state=CoverageJob.State.FAILED,
            error=f"{type(exc).__name__}: {exc}",
            message="failed",
            updated_at=timezone.now(),
        )
        raise
    CoverageJob.objects.filter(id=job.id).update(
        state=CoverageJob.State.DONE, progress=1.0, message=f"done in {hit.compute_s:.1f} s", updated_at=timezone.now()
    )
    job.refresh_from_db()
    return job
