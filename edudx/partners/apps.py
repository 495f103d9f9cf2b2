from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "edudx.partners"
    label = "partners"
    verbose_name = _("Partners")

    def ready(self) -> None:
        from . import changes

        changes.connect_signals()
