from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "edudx.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from . import autodiscover

        autodiscover.run()
