from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    name = "gis_service.fieldwork"
    label = "fieldwork"
