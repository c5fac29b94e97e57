from django.apps import AppConfig


class GeographyConfig(AppConfig):
    name = "gis_service.geography"
    label = "geography"
    verbose_name = "Administrative geography"
