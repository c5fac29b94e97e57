"""Admin for the boundaries (read-only: they come from the official data) and the LAOs."""
from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin

from gis_service.geography.models import LAO, District, Province, Subdistrict


class BoundaryAdmin(LeafletGeoAdmin):
    """Boundaries are loaded from fixtures, so the admin shows them without editing."""

    list_display = ("code", "name_en", "name_th")
    search_fields = ("code", "name_en", "name_th")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Province)
class ProvinceAdmin(BoundaryAdmin):
    pass


@admin.register(District)
class DistrictAdmin(BoundaryAdmin):
    list_display = ("code", "name_en", "name_th", "province")
    list_filter = ("province",)


@admin.register(Subdistrict)
class SubdistrictAdmin(BoundaryAdmin):
    list_display = ("code", "name_en", "name_th", "district", "province")
    list_filter = ("province",)
    list_select_related = ("district", "province")


@admin.register(LAO)
class LAOAdmin(LeafletGeoAdmin):
    list_display = ("code", "name_en", "name_th", "kind", "province", "generated")
    list_filter = ("kind", "generated", "province")
    search_fields = ("code", "name_en", "name_th")
    list_select_related = ("province",)
    raw_id_fields = ("subdistricts",)
    readonly_fields = ("area",)
