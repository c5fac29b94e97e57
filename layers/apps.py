from django.apps import AppConfig


class LayersConfig(AppConfig):
    name = "layers"
    label = "layers"
    verbose_name = "Map layers"

    def ready(self) -> None:
        from layers import checks  # noqa: F401  (registers the programme registry check)
