from django.utils.translation import gettext_lazy as _

from edudx.core.navigation import nav_item

from . import permissions as perms

SECTION = _("Digital transformation")
nav_item(
    section=SECTION,
    label=_("Evaluation campaigns"),
    url_name="monitoring:index",
    permission=perms.VIEW,
    icon="clipboard-check",
    order=60,
)
nav_item(
    section=SECTION,
    label=_("Evaluations to review"),
    url_name="monitoring:review_queue",
    permission=perms.REVIEW,
    icon="inbox",
    order=61,
)
nav_item(
    section=SECTION,
    label=_("Year-over-year trends"),
    url_name="monitoring:trends",
    permission=perms.VIEW,
    icon="graph-up",
    order=62,
)
nav_item(
    section=SECTION,
    label=_("Frameworks"),
    url_name="monitoring:framework_list",
    permission=perms.VIEW,
    icon="diagram-3",
    order=63,
)
