from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from edudx.core.navigation import nav_item

from . import permissions as perms

nav_item(
    section=pgettext_lazy("menu section", "Administration"),
    label=_("Users and roles"),
    url_name="accounts:role_list",
    permission=perms.MANAGE_ROLES,
    icon="person-gear",
    order=90,
)
nav_item(
    section=pgettext_lazy("menu section", "Administration"),
    label=_("My API tokens"),
    url_name="accounts:token_list",
    permission=None,
    icon="key",
    order=95,
)
