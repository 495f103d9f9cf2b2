from django.utils.translation import gettext_lazy as _

from edudx.core.navigation import nav_item

from . import permissions as perms

nav_item(
    section=_("Registry"),
    label=_("Schools"),
    url_name="registry:school_list",
    permission=perms.VIEW,
    icon="building",
    order=10,
)
nav_item(
    section=_("Registry"),
    label=_("Classes"),
    url_name="registry:class_list",
    permission=perms.VIEW,
    icon="grid-3x3-gap",
    order=11,
)
nav_item(
    section=_("Registry"),
    label=_("Students"),
    url_name="registry:student_list",
    permission=perms.VIEW_PEOPLE,
    icon="people",
    order=12,
)
nav_item(
    section=_("Registry"),
    label=_("Staff"),
    url_name="registry:staff_list",
    permission=perms.VIEW_PEOPLE,
    icon="person-badge",
    order=13,
)
nav_item(
    section=_("Registry"),
    label=_("School years"),
    url_name="registry:year_list",
    permission=perms.MANAGE_YEARS,
    icon="calendar3",
    order=19,
)
