"""Admin for every programme, registered from the programme registry: Leaflet map widgets and change history."""
from django.contrib import admin
from leaflet.admin import LeafletGeoAdmin
from simple_history.admin import SimpleHistoryAdmin

from gis_service.programmes.models import Source
from gis_service.programmes.registry import PROGRAMMES, Programme, dependent_models, own_fields


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


def site_admin_class(programme: Programme) -> type[SiteAdmin]:
    """The admin of one programme: its choice fields as filters, derived fields shown read-only, logs inline."""
    fields = own_fields(programme.model)
    derived = tuple(f.name for f in fields if not f.editable)
    inlines = [
        type(f"{model.__name__}Inline", (admin.TabularInline,), {"model": model, "extra": 0})
        for model in dependent_models(programme)
    ]
    attributes = {
        "list_filter": SiteAdmin.list_filter
        + tuple(f.name for f in fields if f.choices and f.name in programme.attribute_names),
        "list_display": SiteAdmin.list_display + derived,
        "readonly_fields": SiteAdmin.readonly_fields + derived,
        "inlines": inlines,
    }
    return type(f"{programme.model.__name__}Admin", (SiteAdmin,), attributes)


for _programme in PROGRAMMES:
    admin.site.register(_programme.model, site_admin_class(_programme))
