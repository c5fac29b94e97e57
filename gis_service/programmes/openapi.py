"""The OpenAPI document's description names the programmes from the registry (a drf-spectacular hook)."""
from gis_service.programmes.registry import programmes_in_words_en


def describe_programmes(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: the API description lists every declared programme, so a new one is never missing."""
    result.setdefault("info", {})["description"] = f"DLA programme sites: {programmes_in_words_en()}."
    return result
