"""Routes of the geography app: an LAO's page."""
from django.urls import path

from gis_service.geography.views import lao_page

urlpatterns = [
    path("laos/<str:code>/", lao_page, name="lao-page"),
]
