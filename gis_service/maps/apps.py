from django.apps import AppConfig


class MapsConfig(AppConfig):
    name = "gis_service.maps"
    label = "maps"
