from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "edudx.monitoring"
    label = "monitoring"
    verbose_name = _("Monitoring and evaluation")
    # Shipped by data migrations (frameworks 4725 and 3806, 4725's scoring bands): a database
    # holding only these rows is still empty for a restore (core.backup).
    seeded_by_migrate = (
        "monitoring.framework",
        "monitoring.frameworkgroup",
        "monitoring.criterion",
        "monitoring.subitem",
        "monitoring.scoringband",
    )
