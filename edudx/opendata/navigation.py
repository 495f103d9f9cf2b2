from django.utils.translation import gettext_lazy as _

from edudx.core.navigation import nav_item

from . import permissions as perms

nav_item(
    section=_("Data"),
    label=_("Open data"),
    url_name="opendata:catalogue",
    permission=perms.PUBLISH,
    icon="globe",
    order=48,
)
