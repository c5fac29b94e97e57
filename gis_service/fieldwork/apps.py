from django.apps import AppConfig


class FieldworkConfig(AppConfig):
    name = "gis_service.fieldwork"
    label = "fieldwork"

    def ready(self) -> None:
        # Registers the OpenAPI description of the field API's token sign-in.
        from gis_service.fieldwork import schema  # noqa: F401
