from django.utils.translation import gettext_lazy as _

from edudx.core.navigation import nav_item

from . import permissions as perms

nav_item(
    section=_("Organisation"),
    label=_("Units"),
    url_name="orgs:unit_tree",
    permission=perms.VIEW,
    icon="diagram-3",
    order=80,
)
nav_item(
    section=_("Organisation"),
    label=_("Groupings"),
    url_name="orgs:grouping_list",
    permission=perms.VIEW,
    icon="collection",
    order=81,
)
