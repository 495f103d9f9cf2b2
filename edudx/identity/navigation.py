from django.utils.translation import gettext_lazy as _

from edudx.core.navigation import nav_item

from . import permissions as perms

nav_item(
    section=_("Data quality"),
    label=_("Identity verification"),
    url_name="identity:dashboard",
    permission=perms.VIEW,
    icon="person-check",
    order=40,
)
