"""Admin for memberships: which LAOs an officer works for, which provinces a reviewer covers."""
from django.contrib import admin

from gis_service.accounts.models import LaoMembership, ReviewerProvince


@admin.register(LaoMembership)
class LaoMembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "lao")
    search_fields = ("user__username", "lao__code", "lao__name_en", "lao__name_th")
    raw_id_fields = ("lao",)


@admin.register(ReviewerProvince)
class ReviewerProvinceAdmin(admin.ModelAdmin):
    list_display = ("user", "province")
    search_fields = ("user__username", "province__code", "province__name_en")
