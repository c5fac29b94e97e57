"""Top-level URL map: each app contributes its own routes."""
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from gis_service.health import healthz
from gis_service.views import home

admin.site.site_header = "gis_service: DLA programme sites"
admin.site.site_title = "gis_service admin"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("", include("layers.urls")),
    path("", include("gis_service.fieldwork.urls")),
    path("", include("gis_service.coverage.urls")),
    path("", include("gis_service.maps.urls")),
    path("", include("gis_service.geography.urls")),
    path("", include("gis_service.imports.urls")),
]
