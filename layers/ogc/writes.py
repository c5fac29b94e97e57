"""Part 4: create, replace, update and delete programme sites, through the one validation path.

Who may write: administrators anywhere, field officers only sites of their own LAOs. Every write
runs `set_geometry` and `save()` (which runs `validate_site`) in one transaction, records the user
in the history, and honours `If-Match` against the feature's current ETag.
"""
import hashlib
import json

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse

from gis_service.accounts.permissions import can_edit_site_of_lao, has_role, is_administrator
from gis_service.accounts.roles import Role
from gis_service.geography.models import LAO
from gis_service.programmes.validation import set_geometry
from layers.ogc.errors import (
    Forbidden,
    InvalidParameter,
    MethodNotAllowed,
    NotAuthenticated,
    NotFound,
    PreconditionFailed,
    UnsupportedMediaType,
)
from layers.registry import Layer

WRITE_MEDIA_TYPES = ("application/geo+json", "application/json", "application/merge-patch+json")
# Properties a writer may set only when administrator: publishing makes a site public.
ADMIN_ONLY = {"published"}


def writable_names(layer: Layer) -> list[str]:
    """Public properties a client may write: direct, editable model fields plus the LAO code."""
    names = []
    for prop in layer.properties:
        if prop.name == "lao":
            names.append(prop.name)
            continue
        if "__" in prop.path:
            continue
        field = layer.model._meta.get_field(prop.path)
        if field.editable and not getattr(field, "auto_now", False):
            names.append(prop.name)
    return names + ["published"]


def etag_for(layer: Layer, feature_id: str, updated_at) -> str:
    """A strong ETag that changes whenever the site is saved."""
    digest = hashlib.sha256(f"{layer.id}|{feature_id}|{updated_at.isoformat()}".encode()).hexdigest()[:32]
    return f'"{digest}"'


def current_etag(layer: Layer, queryset: QuerySet) -> str | None:
    """The ETag of the (single) feature in `queryset`, for layers that have an update timestamp."""
    if not layer.updated_field:
        return None
    row = queryset.values_list(layer.id_field, layer.updated_field).first()
    return etag_for(layer, row[0], row[1]) if row else None


def _writer(request: HttpRequest, layer: Layer) -> User:
    if not layer.writable:
        raise MethodNotAllowed(f"Collection '{layer.id}' is a read-only reference layer.")
    user = request.user
    if isinstance(user, AnonymousUser) or not user.is_authenticated:
        raise NotAuthenticated("Sign in (session, HTTP Basic or an API token) to change features.")
    if not (is_administrator(user) or has_role(user, Role.FIELD_OFFICER)):
        raise Forbidden("Only administrators and field officers may change features.")
    return user


def _feature_body(request: HttpRequest) -> dict:
    media_type = request.content_type.split(";")[0].strip() if request.content_type else ""
    if media_type not in WRITE_MEDIA_TYPES:
        raise UnsupportedMediaType(f"Send the feature as GeoJSON (Content-Type: application/geo+json), "
                                   f"not '{media_type or 'nothing'}'.")
    try:
        body = json.loads(request.body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidParameter(f"The body is not valid JSON: {exc}.") from None
    if not isinstance(body, dict) or body.get("type") not in ("Feature", None):
        raise InvalidParameter("The body must be one GeoJSON Feature ({\"type\": \"Feature\", ...}).")
    if body.get("properties") is not None and not isinstance(body["properties"], dict):
        raise InvalidParameter("'properties' must be an object.")
    return body


def _apply(layer: Layer, site, body: dict, user: User, partial: bool) -> None:
    """Set the site's fields from a GeoJSON feature; unknown names are refused, read-only ones ignored."""
    properties = body.get("properties") or {}
    unknown = sorted(set(properties) - set(layer.property_names) - {"published"})
    if unknown:
        raise InvalidParameter(f"Unknown property {', '.join(unknown)}; writable properties of '{layer.id}' "
                               f"are: {', '.join(writable_names(layer))}.")
    allowed = writable_names(layer)
    if not partial:
        fresh = layer.model()
        for name in allowed:
            if name not in ("lao", "published") and name not in properties:
                setattr(site, layer.get_property(name).path, getattr(fresh, layer.get_property(name).path))
    for name, value in properties.items():
        if name not in allowed:
            continue
        if name in ADMIN_ONLY and not is_administrator(user):
            raise Forbidden("Only administrators may publish or unpublish a site.")
        if name == "lao":
            lao_id = (
                LAO.objects.filter(code=value).values_list("id", flat=True).first() if isinstance(value, str) else None
            )
            if lao_id is None:
                raise ValidationError({"lao": [f"Unknown LAO code '{value}': give the code of an existing LAO."]})
            site.lao_id = lao_id
        else:
            setattr(site, layer.get_property(name).path if name != "published" else "published", value)
    if "geometry" in body or not partial:
        set_geometry(site, body.get("geometry"))


def _check_scope(user: User, lao_id: int | None) -> None:
    if not can_edit_site_of_lao(user, lao_id):
        raise Forbidden("Field officers may change only sites of their own LAOs; this site belongs to another LAO.")


def _save(site, user: User) -> None:
    site.updated_by = user
    site._history_user = user
    site.save()


def _validation_error(exc: ValidationError) -> InvalidParameter:
    messages = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    text = "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in messages.items())
    error = InvalidParameter(f"The feature is not valid: {text}", code="InvalidFeature")
    error.fields = messages
    return error


def create(request: HttpRequest, layer: Layer, base: str) -> HttpResponse:
    """POST a new site; 201 with its Location and ETag."""
    user = _writer(request, layer)
    body = _feature_body(request)
    site = layer.model()
    try:
        with transaction.atomic():
            _apply(layer, site, body, user, partial=False)
            if site.lao_id is None:
                raise ValidationError({"lao": ["Give the code of the LAO responsible for the site ('lao')."]})
            _check_scope(user, site.lao_id)
            site.created_by = user
            _save(site, user)
    except ValidationError as exc:
        raise _validation_error(exc) from None
    feature_id = getattr(site, layer.id_field)
    response = HttpResponse(status=201)
    response["Location"] = f"{base}/collections/{layer.id}/items/{feature_id}"
    response["ETag"] = etag_for(layer, feature_id, site.updated_at)
    return response


def _locked_site(request: HttpRequest, layer: Layer, feature_id: str, user: User):
    site = layer.visible_queryset(user).select_for_update().filter(**{layer.id_field: feature_id}).first()
    if site is None:
        raise NotFound(f"No feature '{feature_id}' in collection '{layer.id}'.")
    if_match = request.headers.get("If-Match")
    current = etag_for(layer, feature_id, site.updated_at)
    if if_match and if_match.strip() != "*" and current not in [tag.strip() for tag in if_match.split(",")]:
        raise PreconditionFailed(
            f"Feature '{feature_id}' was changed since you read it (ETag now {current}): "
            "fetch it again and reapply your change."
        )
    _check_scope(user, site.lao_id)
    return site


def replace(request: HttpRequest, layer: Layer, feature_id: str, partial: bool) -> HttpResponse:
    """PUT (replace) or PATCH (update) a site; 204 with the new ETag."""
    user = _writer(request, layer)
    body = _feature_body(request)
    try:
        with transaction.atomic():
            site = _locked_site(request, layer, feature_id, user)
            _apply(layer, site, body, user, partial=partial)
            _check_scope(user, site.lao_id)
            _save(site, user)
    except ValidationError as exc:
        raise _validation_error(exc) from None
    response = HttpResponse(status=204)
    response["ETag"] = etag_for(layer, feature_id, site.updated_at)
    return response


def delete(request: HttpRequest, layer: Layer, feature_id: str) -> HttpResponse:
    """DELETE a site (its history keeps who deleted it); 204."""
    user = _writer(request, layer)
    if not is_administrator(user):
        # Field officers hold no delete permission (accounts.roles): they decommission instead.
        raise Forbidden("Only administrators may delete a site; set its status to 'decommissioned' instead.")
    with transaction.atomic():
        site = _locked_site(request, layer, feature_id, user)
        site._history_user = user
        site.delete()
    return HttpResponse(status=204)
