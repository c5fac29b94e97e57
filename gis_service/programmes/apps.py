from django.apps import AppConfig


class ProgrammesConfig(AppConfig):
    name = "gis_service.programmes"
    label = "programmes"
    verbose_name = "DLA programmes"
