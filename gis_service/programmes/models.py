"""The DLA programmes as spatial models sharing one abstract site base (each declared in registry.py)."""
import uuid

from django.conf import settings
from django.contrib.gis.db import models
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gis_service.geography.constants import BUDDHIST_ERA_OFFSET as BE_OFFSET
from gis_service.geography.constants import WGS84
from gis_service.programmes.rules import MAX_BUDGET_THB, MAX_PROGRAMME_YEAR_CE, MIN_PROGRAMME_YEAR_CE
from gis_service.programmes.validation import validate_site


class Status(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNDER_CONSTRUCTION = "under_construction", _("Under construction")
    OPERATIONAL = "operational", _("Operational")
    NEEDS_REPAIR = "needs_repair", _("Needs repair")
    DECOMMISSIONED = "decommissioned", _("Decommissioned")


class Source(models.TextChoices):
    FIELD_GPS = "field_gps", _("Field GPS")
    IMPORT = "import", _("Import")
    ADMIN = "admin", _("Admin")
    GENERATED = "generated", _("Generated")


class Condition(models.TextChoices):
    GOOD = "good", _("Good")
    FAIR = "fair", _("Fair")
    POOR = "poor", _("Poor")


class ProgrammeSite(models.Model):
    """What every programme site shares; concrete programmes add their geometry and fields."""

    # Set by each concrete programme: the code prefix and the geometry types it accepts.
    CODE_PREFIX = "SITE"
    GEOMETRY_TYPES: tuple[str, ...] = ()

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False, help_text="Public identifier")
    code = models.CharField(
        max_length=32, unique=True, blank=True, help_text="Unique per programme; assigned when blank"
    )
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.PLANNED, db_index=True)
    lao = models.ForeignKey("geography.LAO", on_delete=models.PROTECT, related_name="+", verbose_name=_("LAO"))
    subdistrict = models.ForeignKey(
        "geography.Subdistrict",
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        verbose_name=_("subdistrict"),
        help_text="Derived from the geometry when the site is saved",
    )
    programme_year = models.PositiveSmallIntegerField(
        _("programme year (CE)"),
        validators=[MinValueValidator(MIN_PROGRAMME_YEAR_CE), MaxValueValidator(MAX_PROGRAMME_YEAR_CE)],
        db_index=True,
    )
    budget_thb = models.DecimalField(
        _("budget (THB)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_BUDGET_THB)],
    )
    published = models.BooleanField(
        _("published"), default=False, db_index=True, help_text="Only published sites are public"
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices, default=Source.ADMIN)
    gps_accuracy_m = models.FloatField(_("GPS accuracy (m)"), null=True, blank=True, validators=[MinValueValidator(0)])
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("last update"), auto_now=True, db_index=True)
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
        validate_site(self)

    def save(self, *args, **kwargs) -> None:
        """Validate and derive (subdistrict, code, length) before every save."""
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
        OPEN = "open", _("Open: pond or pit taking surface run-off")
        CLOSED = "closed", _("Closed: gravel-filled well feeding run-off underground")

    class Purpose(models.TextChoices):
        FLOOD = "flood", _("Flood relief")
        DROUGHT = "drought", _("Drought")
        SALINITY = "salinity", _("Saline or brackish water")

    geom = models.PointField(srid=WGS84)
    system_type = models.CharField(
        _("system type"), max_length=8, choices=SystemType.choices, default=SystemType.CLOSED
    )
    purpose = models.CharField(
        _("purpose"), max_length=12, choices=Purpose.choices, default=Purpose.DROUGHT, db_index=True
    )
    depth_m = models.FloatField(
        _("depth (m)"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(200)]
    )
    width_m = models.FloatField(
        _("width or diameter (m)"), null=True, blank=True, validators=[MinValueValidator(0), MaxValueValidator(500)]
    )
    volume_m3 = models.FloatField(_("volume (m³)"), null=True, blank=True, validators=[MinValueValidator(0)])
    construction_date = models.DateField(_("construction date"), null=True, blank=True)
    last_inspection_date = models.DateField(_("last inspection"), null=True, blank=True)
    condition = models.CharField(_("condition"), max_length=8, choices=Condition.choices, blank=True)

    class Meta(ProgrammeSite.Meta):
        verbose_name = _("groundwater bank")
        verbose_name_plural = _("groundwater banks")
        constraints = site_constraints("gwb")


class LocalRoad(ProgrammeSite):
    """An environment-friendly local road (1 อปท. 1 ถนนท้องถิ่นใส่ใจสิ่งแวดล้อม)."""

    CODE_PREFIX = "ROAD"
    GEOMETRY_TYPES = ("LineString", "MultiLineString")

    class Surface(models.TextChoices):
        ASPHALT = "asphalt", _("Asphalt")
        CONCRETE = "concrete", _("Concrete")
        LATERITE = "laterite", _("Laterite")
        GRAVEL = "gravel", _("Gravel")

    geom = models.MultiLineStringField(srid=WGS84)
    length_m = models.FloatField(
        _("length (m)"), editable=False, help_text="Geodesic length on the spheroid, from the geometry"
    )
    surface = models.CharField(_("surface"), max_length=12, choices=Surface.choices, default=Surface.ASPHALT)
    width_m = models.FloatField(
        _("width (m)"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    trees_planted = models.PositiveIntegerField(_("trees planted"), default=0, help_text="Trees planted along the road")

    class Meta(ProgrammeSite.Meta):
        verbose_name = _("environment-friendly local road")
        verbose_name_plural = _("environment-friendly local roads")
        constraints = site_constraints("road") + [
            models.CheckConstraint(condition=Q(length_m__gt=0), name="road_length_positive")
        ]


# The five play stations of a brain-building playground, one per area of development.
PLAYGROUND_STATIONS = {
    "creativity": _("creativity station"),
    "water_love": _("love of water station"),
    "climbing_net": _("climbing net station (muscles and movement)"),
    "boat_classroom": _("boat and classroom among the trees station"),
    "water_pool": _("water-play pool station"),
}
PLAYGROUND_STATION_CONDITIONS = {
    "creativity": _("creativity station condition"),
    "water_love": _("love of water station condition"),
    "climbing_net": _("climbing net station condition"),
    "boat_classroom": _("boat and classroom station condition"),
    "water_pool": _("water-play pool station condition"),
}


class Playground(ProgrammeSite):
    """A brain-building playground (สนามเด็กเล่นสร้างปัญญา)."""

    CODE_PREFIX = "PLAY"
    GEOMETRY_TYPES = ("Point",)

    geom = models.PointField(srid=WGS84)
    footprint = models.PolygonField(srid=WGS84, null=True, blank=True)
    child_development_centre = models.CharField(_("child development centre served"), max_length=200, blank=True)
    partner = models.CharField(
        _("partner"), max_length=200, blank=True, default="Thai Health Promotion Foundation (สสส.)"
    )
    has_creativity = models.BooleanField(PLAYGROUND_STATIONS["creativity"], default=False)
    creativity_condition = models.CharField(
        PLAYGROUND_STATION_CONDITIONS["creativity"], max_length=8, choices=Condition.choices, blank=True
    )
    has_water_love = models.BooleanField(PLAYGROUND_STATIONS["water_love"], default=False)
    water_love_condition = models.CharField(
        PLAYGROUND_STATION_CONDITIONS["water_love"], max_length=8, choices=Condition.choices, blank=True
    )
    has_climbing_net = models.BooleanField(PLAYGROUND_STATIONS["climbing_net"], default=False)
    climbing_net_condition = models.CharField(
        PLAYGROUND_STATION_CONDITIONS["climbing_net"], max_length=8, choices=Condition.choices, blank=True
    )
    has_boat_classroom = models.BooleanField(PLAYGROUND_STATIONS["boat_classroom"], default=False)
    boat_classroom_condition = models.CharField(
        PLAYGROUND_STATION_CONDITIONS["boat_classroom"], max_length=8, choices=Condition.choices, blank=True
    )
    has_water_pool = models.BooleanField(PLAYGROUND_STATIONS["water_pool"], default=False)
    water_pool_condition = models.CharField(
        PLAYGROUND_STATION_CONDITIONS["water_pool"], max_length=8, choices=Condition.choices, blank=True
    )

    class Meta(ProgrammeSite.Meta):
        verbose_name = _("brain-building playground")
        verbose_name_plural = _("brain-building playgrounds")
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
        LAO_OFFICE = "lao_office", _("LAO office")
        SCHOOL = "school", _("School")
        CHILD_CENTRE = "child_centre", _("Child development centre")
        COMMUNITY = "community", _("Community")

    geom = models.PointField(srid=WGS84)
    host_type = models.CharField(_("host"), max_length=16, choices=HostType.choices, default=HostType.LAO_OFFICE)
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_to = models.DateField(_("active until"), null=True, blank=True)

    class Meta(ProgrammeSite.Meta):
        verbose_name = _("e-waste collection point")
        verbose_name_plural = _("e-waste collection points")
        constraints = site_constraints("ew") + [
            models.CheckConstraint(
                condition=Q(active_to__isnull=True)
                | Q(active_from__isnull=True)
                | Q(active_to__gte=models.F("active_from")),
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


class ReadingPlace(ProgrammeSite):
    """A local reading place (ที่อ่านหนังสือท้องถิ่น), under the DLA's Good Education pillar."""

    CODE_PREFIX = "READ"
    GEOMETRY_TYPES = ("Point",)

    class Host(models.TextChoices):
        LAO_OFFICE = "lao_office", _("LAO office")
        TEMPLE = "temple", _("Temple")
        SCHOOL = "school", _("School")
        COMMUNITY = "community", _("Community")
        CHILD_CENTRE = "child_centre", _("Child development centre")

    geom = models.PointField(srid=WGS84)
    host = models.CharField(_("host"), max_length=16, choices=Host.choices, default=Host.COMMUNITY, db_index=True)
    books_held = models.PositiveIntegerField(
        _("books held"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(20_000)],
    )
    open_days_per_week = models.PositiveSmallIntegerField(
        _("opening days per week"),
        default=7,
        validators=[MinValueValidator(0), MaxValueValidator(7)],
    )

    class Meta(ProgrammeSite.Meta):
        verbose_name = _("local reading place")
        verbose_name_plural = _("local reading places")
        constraints = site_constraints("read") + [
            models.CheckConstraint(condition=Q(open_days_per_week__lte=7), name="read_open_days_in_week"),
        ]
