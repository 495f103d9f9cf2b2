from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "edudx.orgs"
    label = "orgs"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from edudx.core import scope

        from .models import SEGMENT_WIDTH
        from .selectors import root_units

        scope.set_root_paths_provider(
            lambda: tuple(root_units().values_list("path", flat=True)), root_length=SEGMENT_WIDTH
        )
