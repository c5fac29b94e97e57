"""Thailand's administrative geography (province, district, subdistrict) and its LAOs."""
from django.contrib.gis.db import models

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
    """A local administrative organisation (องค์กรปกครองส่วนท้องถิ่น, อปท.)."""

    class Kind(models.TextChoices):
        PROVINCIAL = "pao", "Provincial administrative organisation (อบจ.)"
        CITY_MUNICIPALITY = "city_municipality", "City municipality (เทศบาลนคร)"
        TOWN_MUNICIPALITY = "town_municipality", "Town municipality (เทศบาลเมือง)"
        SUBDISTRICT_MUNICIPALITY = "subdistrict_municipality", "Subdistrict municipality (เทศบาลตำบล)"
        SAO = "sao", "Subdistrict administrative organisation (อบต.)"
        BANGKOK = "bangkok", "Bangkok Metropolitan Administration (กทม.)"
        PATTAYA = "pattaya", "Pattaya City (เมืองพัทยา)"

    code = models.CharField(max_length=16, unique=True)
    name_th = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=Kind.choices)
    province = models.ForeignKey(Province, on_delete=models.PROTECT, related_name="laos")
    office_location = models.PointField(srid=WGS84)
    subdistricts = models.ManyToManyField(Subdistrict, related_name="laos", help_text="The area it serves")
    # The union of its subdistricts, derived when the register is made; who serves a place is decided from
    # `subdistricts` alone (geography/queries.py).
    area = models.MultiPolygonField(srid=WGS84)
    generated = models.BooleanField(
        default=False, help_text="Generated from the boundaries: no open register of LAOs exists"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "local administrative organisation"
        verbose_name_plural = "local administrative organisations"

    def __str__(self) -> str:
        return f"{self.code} {self.name_en}"
