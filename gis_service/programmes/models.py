"""The four DLA programmes as spatial models sharing one abstract site base."""
import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from simple_history.models import HistoricalRecords

# The DLA programmes began in the 2010s; a site year outside this is a typing error.
MIN_PROGRAMME_YEAR_CE = 2000
MAX_PROGRAMME_YEAR_CE = 2100
MAX_BUDGET_THB = 1_000_000_000
BE_OFFSET = 543


class Status(models.TextChoices):
    PLANNED = "planned", "Planned (วางแผน)"
    UNDER_CONSTRUCTION = "under_construction", "Under construction (กำลังก่อสร้าง)"
    OPERATIONAL = "operational", "Operational (ใช้งานได้)"
    NEEDS_REPAIR = "needs_repair", "Needs repair (ต้องซ่อมแซม)"
    DECOMMISSIONED = "decommissioned", "Decommissioned (เลิกใช้งาน)"


class Source(models.TextChoices):
    FIELD_GPS = "field_gps", "Field GPS"
    IMPORT = "import", "Import"
    ADMIN = "admin", "Admin"
    GENERATED = "generated", "Generated"


class Condition(models.TextChoices):
    GOOD = "good", "Good (ดี)"
    FAIR = "fair", "Fair (พอใช้)"
    POOR = "poor", "Poor (ทรุดโทรม)"


class ProgrammeSite(models.Model):
    """What every programme site shares; concrete programmes add their geometry and fields."""

    # Set by each concrete programme: the code prefix and the geometry types it accepts.
    CODE_PREFIX = "SITE"
    GEOMETRY_TYPES: tuple[str, ...] = ()

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False, help_text="Public identifier")
    code = models.CharField(max_length=32, unique=True, blank=True, help_text="Unique per programme; assigned when blank")
    name_th = models.CharField("name (Thai)", max_length=200)
    name_en = models.CharField("name (English)", max_length=200, blank=True)
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.PLANNED, db_index=True)
    lao = models.ForeignKey("geography.LAO", on_delete=models.PROTECT, related_name="+", verbose_name="LAO")
    subdistrict = models.ForeignKey(
        "geography.Subdistrict", on_delete=models.PROTECT, related_name="+", editable=False,
        help_text="Derived from the geometry when the site is saved",
    )
    programme_year = models.PositiveSmallIntegerField(
        "programme year (CE)",
        validators=[MinValueValidator(MIN_PROGRAMME_YEAR_CE), MaxValueValidator(MAX_PROGRAMME_YEAR_CE)],
        db_index=True,
    )
    budget_thb = models.DecimalField(
        "budget (THB)", max_digits=14, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_BUDGET_THB)],
    )
    published = models.BooleanField(default=False, db_index=True, help_text="Only published sites are public")
    source = models.CharField(max_length=16, choices=Source.choices, default=Source.ADMIN)
    gps_accuracy_m = models.FloatField("GPS accuracy (m)", null=True, blank=True, validators=[MinValueValidator(0)])
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_th}"

    @property
    def programme_year_be(self) -> int | None:
        """The programme year in the Buddhist Era, as Thai documents give it."""
        return None if self.programme_year is None else self.programme_year + BE_OFFSET

    def clean(self) -> None:
        """Run the one validation path shared by the admin, the API and imports."""
        from gis_service.programmes.validation import validate_site

        validate_site(self)

    def save(self, *args, **kwargs) -> None:
        """Validate and derive (subdistrict, code, length) before every save."""
        from gis_service.programmes.validation import validate_site

        validate_site(self)
        super().save(*args, **kwargs)


def site_constraints(prefix: str) -> list[models.BaseConstraint]:
    """Database constraints every programme table carries, behind the Python validation."""
    return [
        models.CheckConstraint(
            condition=Q(programme_year__gte=MIN_PROGRAMME_YEAR_CE) & Q(programme_year__lte=MAX_PROGRAMME_YEAR_CE),
            name=f"{prefix}_year_range",
        ),
        models.CheckConstraint(
            condition=Q(budget_thb__isnull=True) | (Q(budget_thb__gte=0) & Q(budget_thb__lte=MAX_BUDGET_THB)),
            name=f"{prefix}_budget_range",
        ),
        models.CheckConstraint(
            condition=Q(gps_accuracy_m__isnull=True) | Q(gps_accuracy_m__gte=0), name=f"{prefix}_accuracy_positive"
        ),
        models.CheckConstraint(condition=Q(geom__isvalid=True), name=f"{prefix}_geom_valid"),
        models.CheckConstraint(condition=~Q(code=""), name=f"{prefix}_code_set"),
    ]


class GroundwaterBank(ProgrammeSite):
    """A groundwater bank (ธนาคารน้ำใต้ดิน): a recharge well or pond."""

    CODE_PREFIX = "GWB"
    GEOMETRY_TYPES = ("Point",)

    class SystemType(models.TextChoices):
        OPEN = "open", "Open: pond or pit taking surface run-off (ระบบเปิด)"
        CLOSED = "closed", "Closed: gravel-filled well feeding run-off underground (ระบบปิด)"

    class Purpose(models.TextChoices):
        FLOOD = "flood", "Flood relief (แก้น้ำท่วม)"
        DROUGHT = "drought", "Drought (แก้ภัยแล้ง)"
        SALINITY = "salinity", "Saline or brackish water (แก้น้ำเค็ม)"

    geom = models.PointField(srid=4326)
    system_type = models.CharField(max_length=8, choices=SystemType.choices, default=SystemType.CLOSED)
    purpose = models.CharField(max_length=12, choices=Purpose.choices, default=Purpose.DROUGHT, db_index=True)
    depth_m = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(200)])
    width_m = models.FloatField(
        "width or diameter (m)", null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(500)]
    )
    volume_m3 = models.FloatField(null=True, blank=True, validators=[MinValueValidator(0)])
    construction_date = models.DateField(null=True, blank=True)
    last_inspection_date = models.DateField(null=True, blank=True)
    condition = models.CharField(max_length=8, choices=Condition.choices, blank=True)

    class Meta(ProgrammeSite.Meta):
        verbose_name = "groundwater bank"
        constraints = site_constraints("gwb")


class LocalRoad(ProgrammeSite):
    """An environment-friendly local road (1 อปท. 1 ถนนท้องถิ่นใส่ใจสิ่งแวดล้อม)."""

    CODE_PREFIX = "ROAD"
    GEOMETRY_TYPES = ("LineString", "MultiLineString")

    class Surface(models.TextChoices):
        ASPHALT = "asphalt", "Asphalt (ลาดยาง)"
        CONCRETE = "concrete", "Concrete (คอนกรีต)"
        LATERITE = "laterite", "Laterite (ลูกรัง)"
        GRAVEL = "gravel", "Gravel (หินคลุก)"

    geom = models.MultiLineStringField(srid=4326)
    length_m = models.FloatField(editable=False, help_text="Geodesic length on the spheroid, from the geometry")
    surface = models.CharField(max_length=12, choices=Surface.choices, default=Surface.ASPHALT)
    width_m = models.FloatField(null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(60)])
    trees_planted = models.PositiveIntegerField(default=0, help_text="Trees planted along the road")

    class Meta(ProgrammeSite.Meta):
        verbose_name = "local road"
        constraints = site_constraints("road") + [
            models.CheckConstraint(condition=Q(length_m__gt=0), name="road_length_positive")
        ]


# The five play stations of a brain-building playground, one per area of development.
PLAYGROUND_STATIONS = {
    "creativity": "Creativity (ความคิดสร้างสรรค์)",
    "water_love": "Love of water (รักน้ำ)",
    "climbing_net": "Muscles and movement: climbing net (ใยแมงมุม)",
    "boat_classroom": "Boat and classroom among the trees (เรือ ห้องเรียนใต้ต้นไม้)",
    "water_pool": "Water-play pool (สระน้ำ)",
}


class Playground(ProgrammeSite):
    """A brain-building playground (สนามเด็กเล่นสร้างปัญญา)."""

    CODE_PREFIX = "PLAY"
    GEOMETRY_TYPES = ("Point",)

    geom = models.PointField(srid=4326)
    footprint = models.PolygonField(srid=4326, null=True, blank=True)
    child_development_centre = models.CharField("child development centre served", max_length=200, blank=True)
    partner = models.CharField(max_length=200, blank=True, default="Thai Health Promotion Foundation (สสส.)")
    has_creativity = models.BooleanField(PLAYGROUND_STATIONS["creativity"], default=False)
    creativity_condition = models.CharField(max_length=8, choices=Condition.choices, blank=True)
    has_water_love = models.BooleanField(PLAYGROUND_STATIONS["water_love"], default=False)
    water_love_condition = models.CharField(max_length=8, choices=Condition.choices, blank=True)
    has_climbing_net = models.BooleanField(PLAYGROUND_STATIONS["climbing_net"], default=False)
    climbing_net_condition = models.CharField(max_length=8, choices=Condition.choices, blank=True)
    has_boat_classroom = models.BooleanField(PLAYGROUND_STATIONS["boat_classroom"], default=False)
    boat_classroom_condition = models.CharField(max_length=8, choices=Condition.choices, blank=True)
    has_water_pool = models.BooleanField(PLAYGROUND_STATIONS["water_pool"], default=False)
    water_pool_condition = models.CharField(max_length=8, choices=Condition.choices, blank=True)

    class Meta(ProgrammeSite.Meta):
        verbose_name = "playground"
        constraints = site_constraints("play") + [
            models.CheckConstraint(
                condition=Q(footprint__isnull=True) | Q(footprint__isvalid=True), name="play_footprint_valid"
            )
        ]

    @property
    def station_count(self) -> int:
        """How many of the five stations the playground has."""
        return sum(getattr(self, f"has_{key}") for key in PLAYGROUND_STATIONS)


class EwastePoint(ProgrammeSite):
    """An e-waste collection point ("old phones go, new life comes", มือถือเก่าไป ชีวิตใหม่มา)."""

    CODE_PREFIX = "EW"
    GEOMETRY_TYPES = ("Point",)

    class HostType(models.TextChoices):
        LAO_OFFICE = "lao_office", "LAO office (สำนักงาน อปท.)"
        SCHOOL = "school", "School (โรงเรียน)"
        CHILD_CENTRE = "child_centre", "Child development centre (ศูนย์พัฒนาเด็กเล็ก)"
        COMMUNITY = "community", "Community (ชุมชน)"

    geom = models.PointField(srid=4326)
    host_type = models.CharField(max_length=16, choices=HostType.choices, default=HostType.LAO_OFFICE)
    active_from = models.DateField(null=True, blank=True)
    active_to = models.DateField(null=True, blank=True)

    class Meta(ProgrammeSite.Meta):
        verbose_name = "e-waste collection point"
        constraints = site_constraints("ew") + [
            models.CheckConstraint(
                condition=Q(active_to__isnull=True) | Q(active_from__isnull=True) | Q(active_to__gte=models.F("active_from")),
                name="ew_active_period_order",
            )
        ]


class EwasteCollection(models.Model):
    """One collection at an e-waste point: what was collected, handed on, and earned."""

    point = models.ForeignKey(EwastePoint, on_delete=models.CASCADE, related_name="collections")
    collected_on = models.DateField()
    phones = models.PositiveIntegerField(default=0)
    batteries_chargers = models.PositiveIntegerField("batteries and chargers", default=0)
    weight_kg = models.DecimalField(max_digits=9, decimal_places=2, validators=[MinValueValidator(0)])
    handed_to_recycler = models.CharField("licensed recycler handed to", max_length=200, blank=True)
    proceeds_thb = models.DecimalField(
        "proceeds (THB)", max_digits=12, decimal_places=2, default=0, validators=[MinValueValidator(0)]
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["point", "collected_on"]
        constraints = [
            models.CheckConstraint(condition=Q(weight_kg__gte=0), name="ewc_weight_positive"),
            models.CheckConstraint(condition=Q(proceeds_thb__gte=0), name="ewc_proceeds_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.point.code} {self.collected_on}"


PROGRAMME_MODELS: list[type[ProgrammeSite]] = [GroundwaterBank, LocalRoad, Playground, EwastePoint]
