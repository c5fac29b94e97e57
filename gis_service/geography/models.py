"""Thailand's administrative geography (province, district, subdistrict) and its LAOs."""
from django.contrib.gis.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gis_service.geography.constants import WGS84


class AdminArea(models.Model):
    """What every administrative level shares: official code, names, boundary."""

    code = models.CharField(max_length=10, unique=True, help_text="Official code with TH prefix, e.g. TH30")
    name_th = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    geom = models.MultiPolygonField(srid=WGS84)

    class Meta:
        abstract = True
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_en} ({self.name_th})"


class Province(AdminArea):
    """A province (จังหวัด); Bangkok (TH10) is one of the 77."""

    class Meta(AdminArea.Meta):
        verbose_name = "province"


class District(AdminArea):
    """A district (อำเภอ / เขต)."""

    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="districts")

    class Meta(AdminArea.Meta):
        verbose_name = "district"


class Subdistrict(AdminArea):
    """A subdistrict (ตำบล / แขวง), the smallest unit every site is placed in."""

    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="subdistricts")
    # Denormalised so province filters on sites and subdistricts need no join chain.
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="subdistricts")

    class Meta(AdminArea.Meta):
        verbose_name = "subdistrict"


class LAO(models.Model):
    """A local administrative organisation (องค์กรปกครองส่วนท้องถิ่น, อปท.): from the DLA register, or generated."""

    class Kind(models.TextChoices):
        PROVINCIAL = "pao", _("Provincial administrative organisation")
        CITY_MUNICIPALITY = "city_municipality", _("City municipality")
        TOWN_MUNICIPALITY = "town_municipality", _("Town municipality")
        SUBDISTRICT_MUNICIPALITY = "subdistrict_municipality", _("Subdistrict municipality")
        SAO = "sao", _("Subdistrict administrative organisation")
        BANGKOK = "bangkok", _("Bangkok Metropolitan Administration")
        PATTAYA = "pattaya", _("Pattaya City")

    code = models.CharField(_("code"), max_length=16, unique=True, help_text=_(
        "The DLA's 7-digit code; BMA for Bangkok, which the DLA does not list (BMA-10 when generated)"))
    name_th = models.CharField(_("name (Thai)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    full_name_th = models.CharField(_("full name (Thai)"), max_length=250, blank=True, default="", db_default="")
    kind = models.CharField(_("type"), max_length=32, choices=Kind.choices)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="laos")
    district = models.ForeignKey(District, on_delete=models.PROTECT, related_name="laos", null=True, blank=True,
                                 help_text=_("The district of its office, as the DLA lists it"))
    office_location = models.PointField(_("office"), srid=WGS84, null=True, blank=True)
    office_house_no = models.CharField(_("office house number"), max_length=20, blank=True, default="", db_default="")
    office_moo = models.CharField(_("office village number (หมู่)"), max_length=10, blank=True, default="", db_default="")
    office_postcode = models.CharField(_("office postcode"), max_length=5, blank=True, default="", db_default="")
    website = models.CharField(_("website"), max_length=200, blank=True, default="", db_default="")
    area_km2 = models.FloatField(_("area the DLA lists (km²)"), null=True, blank=True)
    # The register's hint: the subdistrict of the same name in its district. Kept to tell, on a reload, whether
    # what its served area was derived from has changed.
    name_match_subdistrict = models.ForeignKey(Subdistrict, on_delete=models.PROTECT, null=True, blank=True,
                                               related_name="+")
    subdistricts = models.ManyToManyField(Subdistrict, through="LAOSubdistrict", related_name="laos",
                                          help_text=_("The area it serves"))
    # The union of its subdistricts, derived when the register is loaded or a served area corrected; who serves a
    # place is decided from `subdistricts` alone (geography/queries.py).
    area = models.MultiPolygonField(srid=WGS84, null=True, blank=True)
    active = models.BooleanField(_("active"), default=True, db_default=True,
                                 help_text=_("Cleared when a newer register no longer lists it; never deleted"))
    generated = models.BooleanField(
        default=False, help_text=_("Generated from the boundaries, not from the DLA register")
    )

    # Fields added for the register carry database defaults as well: the generator inserts rows in raw SQL.

    class Meta:
        ordering = ["code"]
        verbose_name = _("local administrative organisation")
        verbose_name_plural = _("local administrative organisations")

    def __str__(self) -> str:
        return f"{self.code} {self.name_en or self.full_name_th or self.name_th}"

    def get_absolute_url(self) -> str:
        """Its page (the admin links to it as "view on site")."""
        return f"/laos/{self.code}/"


class LAOSubdistrict(models.Model):
    """One subdistrict an LAO serves, and how that was derived (the register does not say)."""

    class Method(models.TextChoices):
        NAME_MATCH = "name_match", _("Subdistrict of the same name in its district")
        OFFICE_POINT = "office_point", _("Subdistrict holding its office")
        OFFICE_NEIGHBOUR = "office_neighbour", _("Neighbour of its office's subdistrict in its district")
        DISTRICT = "district", _("Otherwise unserved subdistrict of its district")
        PROVINCE = "province", _("Whole province (provincial administrative organisation)")
        BANGKOK = "bangkok", _("Whole of Bangkok")
        GENERATED = "generated", _("Generated register")
        ADMINISTRATOR = "administrator", _("Set by an administrator")

    lao = models.ForeignKey(LAO, on_delete=models.CASCADE, related_name="served_areas")
    subdistrict = models.ForeignKey(Subdistrict, on_delete=models.CASCADE, related_name="served_by")
    method = models.CharField(_("derived from"), max_length=20, choices=Method.choices, default=Method.ADMINISTRATOR,
                              db_default=Method.ADMINISTRATOR)
    approximate = models.BooleanField(_("approximate"), default=False, db_default=False,
                                      help_text=_("A guess from nearby evidence, to be checked"))
    note = models.CharField(_("note"), max_length=300, blank=True, default="", db_default="")
    history = HistoricalRecords()

    class Meta:
        # The table Django made for the plain many-to-many before this model existed.
        db_table = "geography_lao_subdistricts"
        unique_together = [("lao", "subdistrict")]
        verbose_name = _("served subdistrict")
        verbose_name_plural = _("served subdistricts")

    def __str__(self) -> str:
        return f"{self.lao.code} serves {self.subdistrict.code} ({self.method})"
