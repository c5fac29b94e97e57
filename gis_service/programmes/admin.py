"""Admin for the four programmes: Leaflet map widgets (served locally) and change history."""
from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin
from simple_history.admin import SimpleHistoryAdmin

from gis_service.programmes.models import (
    EwasteCollection,
    EwastePoint,
    GroundwaterBank,
    LocalRoad,
    Playground,
    Source,
)


class SiteAdmin(SimpleHistoryAdmin, LeafletGeoAdmin):
    """Shared admin for programme sites; saving goes through the one validation path."""

    list_display = ("code", "name_th", "status", "programme_year", "lao", "subdistrict", "published")
    list_filter = ("status", "published", "source", "programme_year")
    search_fields = ("code", "name_th", "name_en", "lao__name_en", "subdistrict__name_en")
    list_select_related = ("lao", "subdistrict")
    raw_id_fields = ("lao",)
    readonly_fields = ("uid", "subdistrict", "source", "created_at", "updated_at", "created_by", "updated_by")

    def save_model(self, request, obj, form, change) -> None:
        if not change:
            obj.created_by = request.user
            obj.source = Source.ADMIN
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(GroundwaterBank)
class GroundwaterBankAdmin(SiteAdmin):
    list_filter = SiteAdmin.list_filter + ("system_type", "purpose")


@admin.register(LocalRoad)
class LocalRoadAdmin(SiteAdmin):
    list_display = SiteAdmin.list_display + ("length_m",)
    readonly_fields = SiteAdmin.readonly_fields + ("length_m",)


@admin.register(Playground)
class PlaygroundAdmin(SiteAdmin):
    pass


class EwasteCollectionInline(admin.TabularInline):
    model = EwasteCollection
    extra = 0


@admin.register(EwastePoint)
class EwastePointAdmin(SiteAdmin):
    list_filter = SiteAdmin.list_filter + ("host_type",)
    inlines = [EwasteCollectionInline]
