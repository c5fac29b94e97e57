"""Programmes as field work sees them, derived from the one registry (gis_service/programmes/registry.py)."""
from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.text import capfirst

from gis_service.i18n import english, thai
from gis_service.programmes.registry import PROGRAMMES, Programme, UnknownProgramme, get_programme

# Fields of a site an officer never types: place, provenance and bookkeeping are set by the service.
NOT_FROM_THE_FIELD = {
    "id", "uid", "code", "geom", "lao", "subdistrict", "published", "source", "gps_accuracy_m",
    "created_at", "updated_at", "created_by", "updated_by", "length_m", "footprint",
}


@dataclass(frozen=True)
class FieldProgramme:
    """A programme's field-collection view: its id, model, labels, limits and the attributes an officer gives."""

    programme: Programme

    @property
    def slug(self) -> str:
        """The programme's one id (the same as its layer's)."""
        return self.programme.id

    @property
    def model(self) -> type[models.Model]:
        """The site model."""
        return self.programme.model

    @property
    def label_en(self) -> str:
        """What one site is called, in English."""
        return english(self.programme.label)

    @property
    def label_th(self) -> str:
        """What one site is called, in Thai."""
        return thai(self.programme.label)

    @property
    def is_line(self) -> bool:
        """Roads are registered as a walked or driven track, not a point."""
        return self.programme.is_line

    @property
    def field_names(self) -> tuple[str, ...]:
        """The model fields an officer may give, in model order."""
        return tuple(
            f.name for f in self.model._meta.concrete_fields if f.name not in NOT_FROM_THE_FIELD and f.editable
        )

    # Accuracy limits, duplicate rule and inspection attributes come from the declaration.
    @property
    def refuse_above_m(self) -> float:
        """A fix less accurate than this is refused."""
        return self.programme.field_collection.refuse_above_m

    @property
    def flag_above_m(self) -> float:
        """A fix less accurate than this is flagged for the reviewer."""
        return self.programme.field_collection.flag_above_m

    @property
    def duplicate_radius_m(self) -> float:
        """Another site this close makes a new one a duplicate candidate."""
        return self.programme.field_collection.duplicate_radius_m

    @property
    def duplicate_overlap_share(self) -> float:
        """For lines: the share within the radius of an existing line that makes a candidate."""
        return self.programme.field_collection.duplicate_overlap_share

    @property
    def inspection_attributes(self) -> tuple[str, ...]:
        """What an inspection may change on an existing site."""
        return self.programme.field_collection.inspection_attributes


FIELD_PROGRAMMES: dict[str, FieldProgramme] = {p.id: FieldProgramme(p) for p in PROGRAMMES}

# Ids the field API took before programme ids were unified; phones may still hold them in their queues.
DEPRECATED_ALIASES: dict[str, str] = {alias: p.id for p in PROGRAMMES for alias in p.aliases}


def field_programme(programme_id: str) -> FieldProgramme:
    """The field programme for an id or a deprecated alias; KeyError when there is none."""
    try:
        return FIELD_PROGRAMMES[get_programme(programme_id).id]
    except UnknownProgramme:
        raise KeyError(programme_id) from None


def attribute_label(model: type[models.Model], name: str) -> str:
    """The label of an attribute in the active language (its name when the model has no such field)."""
    try:
        return capfirst(model._meta.get_field(name).verbose_name)
    except Exception:  # FieldDoesNotExist; a message about an unknown name still reads well with the name
        return name


FORM_TYPES = {
    "CharField": "text", "TextField": "text", "FloatField": "number", "DecimalField": "number",
    "PositiveSmallIntegerField": "integer", "PositiveIntegerField": "integer", "IntegerField": "integer",
    "BooleanField": "boolean", "DateField": "date",
}


def form_description(programme: FieldProgramme) -> dict:
    """The attribute form of a programme, derived from its model, for the phone page."""
    fields = []
    for name in programme.field_names:
        model_field = programme.model._meta.get_field(name)
        label = capfirst(model_field.verbose_name)
        fields.append({
            "name": name,
            "type": "choice" if model_field.choices else FORM_TYPES.get(model_field.get_internal_type(), "text"),
            "label_en": english(label),
            "label_th": thai(label),
            "required": not (model_field.blank or model_field.has_default() or model_field.null),
            "choices": [
                {"value": value, "label": str(text), "label_en": english(text), "label_th": thai(text)}
                for value, text in model_field.choices or []
            ],
            "inspection": name in programme.inspection_attributes,
        })
    return {
        "slug": programme.slug, "label_en": programme.label_en, "label_th": programme.label_th,
        "geometry": "line" if programme.is_line else "point",
        "refuse_above_m": programme.refuse_above_m, "flag_above_m": programme.flag_above_m,
        "duplicate_radius_m": programme.duplicate_radius_m, "fields": fields,
    }
