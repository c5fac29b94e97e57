"""URL routes of the maps app."""
from django.urls import path

from gis_service.maps import views

urlpatterns = [
    path("map/", views.public_map, name="public-map"),
    path("map/places.json", views.places, name="map-places"),
]
