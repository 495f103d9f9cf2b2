from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "edudx.learning"
    label = "learning"
    verbose_name = _("Learning")

    def ready(self) -> None:
        # cmi5: statements an AU sends to the LRS with its launch token apply the AU's moveOn.
        from edudx.lrs.services import launch_statements_stored

        from .services.cmi5 import cmi5_statements

        launch_statements_stored.connect(cmi5_statements, dispatch_uid="learning.cmi5_statements")
