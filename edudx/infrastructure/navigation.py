from django.utils.translation import gettext_lazy as _

from edudx.core.navigation import nav_item

from . import permissions as perms

SECTION = _("ICT infrastructure")
nav_item(
    section=SECTION,
    label=_("Readiness"),
    url_name="infrastructure:dashboard",
    permission=perms.VIEW,
    icon="speedometer2",
    order=40,
)
nav_item(
    section=SECTION,
    label=_("Devices"),
    url_name="infrastructure:device_list",
    permission=perms.VIEW,
    icon="pc-display",
    order=41,
)
nav_item(
    section=SECTION,
    label=_("Gaps and procurement"),
    url_name="infrastructure:gaps",
    permission=perms.VIEW,
    icon="cart-check",
    order=42,
)
nav_item(
    section=SECTION,
    label=_("Thresholds and costs"),
    url_name="infrastructure:thresholds",
    permission=perms.MANAGE,
    icon="sliders",
    order=43,
)
