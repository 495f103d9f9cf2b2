from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SkillsConfig(AppConfig):
    name = "edudx.skills"
    label = "skills"
    verbose_name = _("Digital skills")
    # Shipped by a data migration (the frameworks and the certificate catalogue): a database
    # holding only these rows is still empty for a restore (core.backup).
    seeded_by_migrate = (
        "skills.framework",
        "skills.domain",
        "skills.competence",
        "skills.level",
        "skills.certificate",
    )
