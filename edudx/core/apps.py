from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "edudx.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        from . import aggregates, autodiscover, fsm
        from .db import writers

        fsm.skip_historical_models()
        autodiscover.run()
        aggregates.connect_signals()
        writers.connect_signals()
