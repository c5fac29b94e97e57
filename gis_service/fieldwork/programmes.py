"""What field work needs to know about each programme, declared once: limits and the attributes an officer gives."""
from dataclasses import dataclass, field

from gis_service.programmes.models import (
    PLAYGROUND_STATIONS,
    EwastePoint,
    GroundwaterBank,
    LocalRoad,
    Playground,
    ProgrammeSite,
)

# Fields of a site an officer never types: place, provenance and bookkeeping are set by the service.
NOT_FROM_THE_FIELD = {
    "id", "uid", "code", "geom", "lao", "subdistrict", "published", "source", "gps_accuracy_m",
    "created_at", "updated_at", "created_by", "updated_by", "length_m", "footprint",
}


@dataclass(frozen=True)
class FieldProgramme:
    """A programme as field work sees it."""

    slug: str
    model: type[ProgrammeSite]
    label_en: str
    label_th: str
    # Accuracy of the fix: above refuse_above_m the submission is refused, above flag_above_m it is flagged.
    refuse_above_m: float = 100.0
    flag_above_m: float = 30.0
    duplicate_radius_m: float = 25.0
    # What an inspection may change on an existing site.
    inspection_attributes: tuple[str, ...] = ("status",)
    # For lines: the share of a new line lying within duplicate_radius_m of an existing one that makes it a candidate.
    duplicate_overlap_share: float = 0.5
    field_names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        names = tuple(f.name for f in self.model._meta.concrete_fields if f.name not in NOT_FROM_THE_FIELD)
        object.__setattr__(self, "field_names", names)

    @property
    def is_line(self) -> bool:
        """Roads are registered as a walked or driven track, not a point."""
        return "Point" not in self.model.GEOMETRY_TYPES


FIELD_PROGRAMMES: dict[str, FieldProgramme] = {
    p.slug: p
    for p in [
        FieldProgramme(
            "groundwater_bank", GroundwaterBank, "Groundwater bank", "ธนาคารน้ำใต้ดิน",
            inspection_attributes=("status", "condition"),
        ),
        FieldProgramme(
            "local_road", LocalRoad, "Environment-friendly local road", "ถนนท้องถิ่นใส่ใจสิ่งแวดล้อม",
            inspection_attributes=("status", "surface", "trees_planted"),
        ),
        FieldProgramme(
            "playground", Playground, "Brain-building playground", "สนามเด็กเล่นสร้างปัญญา",
            inspection_attributes=("status",) + tuple(f"{key}_condition" for key in PLAYGROUND_STATIONS),
        ),
        FieldProgramme(
            "ewaste_point", EwastePoint, "E-waste collection point", "จุดรับทิ้งขยะอิเล็กทรอนิกส์",
            inspection_attributes=("status", "active_to"),
        ),
    ]
}


def programme_for_model(model: type[ProgrammeSite]) -> FieldProgramme:
    """The field programme of a site model."""
    return next(p for p in FIELD_PROGRAMMES.values() if p.model is model)


# Thai labels of the attributes, for the phone form and for messages about them.
THAI_LABELS: dict[str, str] = {
    "name_th": "ชื่อ (ภาษาไทย)", "name_en": "ชื่อ (ภาษาอังกฤษ)", "status": "สถานะ",
    "programme_year": "ปีโครงการ (ค.ศ.)", "budget_thb": "งบประมาณ (บาท)", "system_type": "ประเภทระบบ",
    "purpose": "วัตถุประสงค์", "depth_m": "ความลึก (เมตร)", "width_m": "ความกว้าง (เมตร)",
    "volume_m3": "ปริมาตร (ลูกบาศก์เมตร)", "construction_date": "วันที่ก่อสร้าง",
    "last_inspection_date": "วันที่ตรวจสอบล่าสุด", "condition": "สภาพ", "surface": "ผิวถนน",
    "trees_planted": "จำนวนต้นไม้ที่ปลูก", "child_development_centre": "ศูนย์พัฒนาเด็กเล็กที่ใช้",
    "partner": "ภาคีร่วม", "host_type": "สถานที่ตั้ง", "active_from": "เปิดรับตั้งแต่", "active_to": "เปิดรับถึง",
    "geom": "ตำแหน่ง", "lao": "อปท.",
}
for _key, _label in PLAYGROUND_STATIONS.items():
    _thai = _label.split("(")[-1].rstrip(")")
    THAI_LABELS[f"has_{_key}"] = f"มีฐาน{_thai}"
    THAI_LABELS[f"{_key}_condition"] = f"สภาพฐาน{_thai}"


def thai_label(name: str) -> str:
    """The Thai label of an attribute (its name when none is declared)."""
    return THAI_LABELS.get(name, name)


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
        fields.append({
            "name": name,
            "type": "choice" if model_field.choices else FORM_TYPES.get(model_field.get_internal_type(), "text"),
            "label_en": str(model_field.verbose_name)[:1].upper() + str(model_field.verbose_name)[1:],
            "label_th": thai_label(name),
            "required": not (model_field.blank or model_field.has_default() or model_field.null),
            "choices": [{"value": value, "label": str(label)} for value, label in model_field.choices or []],
            "inspection": name in programme.inspection_attributes,
        })
    return {
        "slug": programme.slug, "label_en": programme.label_en, "label_th": programme.label_th,
        "geometry": "line" if programme.is_line else "point",
        "refuse_above_m": programme.refuse_above_m, "flag_above_m": programme.flag_above_m,
        "duplicate_radius_m": programme.duplicate_radius_m, "fields": fields,
    }
