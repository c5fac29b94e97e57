from django.apps import AppConfig


class CoverageConfig(AppConfig):
    name = "gis_service.coverage"
    label = "coverage"
