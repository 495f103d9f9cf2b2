from django.utils.translation import gettext_lazy as _

from edudx.core.navigation import nav_item

from . import permissions as perms

nav_item(
    section=_("Learning records"),
    label=_("xAPI keys"),
    url_name="lrs:credential_list",
    permission=perms.MANAGE_CREDENTIALS,
    icon="key",
    order=60,
)
nav_item(
    section=_("Learning records"),
    label=_("Learning dashboard"),
    url_name="lrs:dashboard",
    permission=perms.VIEW_ANALYTICS,
    icon="graph-up",
    order=61,
)
