from django.utils.translation import gettext_lazy as _

from edudx.core.navigation import nav_item

from . import permissions as perms

nav_item(
    section=_("Partners"),
    label=_("Policies"),
    url_name="policies:list",
    permission=perms.VIEW,
    icon="file-text",
    order=83,
)
