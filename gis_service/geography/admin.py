"""Admin for the boundaries (read-only: they come from the official data), the LAOs and the areas they serve."""
from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin
from simple_history.admin import SimpleHistoryAdmin

from gis_service.geography.lao_names import find_laos
from gis_service.geography.lao_served_areas import refresh_areas
from gis_service.geography.models import LAO, District, LAOSubdistrict, Province, Subdistrict


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


class ServedSubdistrictInline(admin.TabularInline):
    """The subdistricts an LAO serves, on its own page; an administrator's edit is marked as theirs."""

    model = LAOSubdistrict
    fields = ("subdistrict", "method", "approximate", "note")
    readonly_fields = ("method",)
    raw_id_fields = ("subdistrict",)
    extra = 0


def _mark_by_administrator(row: LAOSubdistrict) -> None:
    row.method = LAOSubdistrict.Method.ADMINISTRATOR


@admin.register(LAO)
class LAOAdmin(LeafletGeoAdmin):
    list_display = ("code", "name_th", "name_en", "kind", "province", "district", "active", "generated")
    list_filter = ("kind", "active", "generated", "province")
    search_fields = ("code", "name_en", "name_th", "full_name_th")
    list_select_related = ("province", "district")
    raw_id_fields = ("district", "name_match_subdistrict")
    readonly_fields = ("area",)
    inlines = [ServedSubdistrictInline]

    def get_search_results(self, request, queryset, search_term):
        """The admin's own search, plus LAOs as people write them ("อบต.โคกสี", "เทศบาลตำบล บ้านทุ่ม")."""
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        if search_term.strip():
            found = [lao.id for lao in find_laos(search_term, include_inactive=True)]
            if found:
                results = results | queryset.filter(id__in=found)
                may_have_duplicates = True
        return results, may_have_duplicates

    def save_formset(self, request, form, formset, change) -> None:
        for row in formset.save(commit=False):
            _mark_by_administrator(row)
            row.save()
        for row in formset.deleted_objects:
            row.delete()
        refresh_areas([form.instance.pk])


@admin.register(LAOSubdistrict)
class LAOSubdistrictAdmin(SimpleHistoryAdmin):
    """Served subdistricts, with how each was derived; administrators correct them here, with history."""

    list_display = ("lao", "subdistrict", "method", "approximate", "note")
    list_filter = ("method", "approximate", "lao__kind", "subdistrict__province")
    search_fields = ("lao__code", "lao__name_th", "subdistrict__code", "subdistrict__name_th")
    list_select_related = ("lao", "subdistrict")
    raw_id_fields = ("lao", "subdistrict")
    readonly_fields = ("method",)

    def save_model(self, request, obj, form, change) -> None:
        _mark_by_administrator(obj)
        super().save_model(request, obj, form, change)
        refresh_areas(sorted({obj.lao_id, *([form.initial["lao"]] if form.initial.get("lao") else [])}))

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        refresh_areas([obj.lao_id])

    def delete_queryset(self, request, queryset) -> None:
        lao_ids = sorted(set(queryset.values_list("lao_id", flat=True)))
        super().delete_queryset(request, queryset)
        refresh_areas(lao_ids)
