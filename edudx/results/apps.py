from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "edudx.results"
    label = "results"
    verbose_name = _("Learning results")
    # Shipped by a data migration (the Circular 22 rules row): a database holding only it is
    # still empty for a restore (core.backup).
    seeded_by_migrate = ("results.ruleset",)
