"""Results cached by their inputs and the data versions they were computed from (in the database,
so every app server sees the same cache)."""
import hashlib
import json

from django.db import IntegrityError, transaction

from gis_service.coverage.models import CoverageResult
from gis_service.coverage.params import CoverageParams
from gis_service.coverage.population import raster_fingerprint
from gis_service.coverage.sources import boundaries_fingerprint, current_layer_version

# Bump when the meaning of a result changes, so results of older code are never served.
ENGINE_VERSION = "1"


def data_versions(params: CoverageParams) -> dict:
    """What the result depends on besides the inputs: the layer's data, the boundaries, the raster."""
    versions = {
        "engine": ENGINE_VERSION,
        "layer": current_layer_version(params.layer),
        "boundaries": boundaries_fingerprint(),
    }
    if params.population:
        versions["population"] = raster_fingerprint(params.population)
    return versions


def result_key(kind: str, params: CoverageParams, versions: dict | None = None) -> str:
    """sha256 of the kind, the inputs and the data versions."""
    versions = data_versions(params) if versions is None else versions
    text = json.dumps({"kind": kind, "params": params.as_dict(), "versions": versions}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def lookup(key: str) -> CoverageResult | None:
    """The cached result for this key, if there is one."""
    return CoverageResult.objects.filter(key=key).first()


def store(key: str, kind: str, params: CoverageParams, content_type: str, payload: bytes,
          compute_s: float) -> CoverageResult:
    """Keep a result; a concurrent identical computation that stored first wins."""
    result = CoverageResult(key=key, kind=kind, params=params.as_dict(), content_type=content_type,
                            payload=payload, compute_s=compute_s)
    try:
        with transaction.atomic():
            result.save(force_insert=True)
    except IntegrityError:
        return CoverageResult.objects.get(key=key)
    # Results of the same inputs over older data can never be served again: drop them.
    CoverageResult.objects.filter(kind=kind, params=result.params).exclude(key=key).delete()
    return result
