from django.utils.translation import gettext_lazy as _

from edudx.core.navigation import nav_item

from . import permissions as perms

SECTION = _("Partners")
nav_item(
    section=SECTION,
    label=_("Partner apps"),
    url_name="partners:catalogue",
    permission=perms.VIEW,
    icon="plug",
    order=80,
)
nav_item(
    section=SECTION,
    label=_("Schools' requests"),
    url_name="partners:requests",
    permission=perms.VIEW,
    icon="inbox",
    order=81,
)
nav_item(
    section=SECTION,
    label=_("Partner usage"),
    url_name="partners:usage",
    permission=perms.VIEW_USAGE,
    icon="bar-chart",
    order=82,
)
