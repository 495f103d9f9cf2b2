from django.utils.translation import gettext_lazy as _

from edudx.core.navigation import nav_item

from . import permissions as perms

SECTION = _("Learning")
nav_item(
    section=SECTION,
    label=_("Courses"),
    url_name="learning:course_list",
    permission=perms.VIEW,
    icon="journal-richtext",
    order=60,
)
nav_item(
    section=SECTION,
    label=_("Learning activity"),
    url_name="learning:activity",
    permission=perms.VIEW,
    icon="graph-up",
    order=61,
)
nav_item(
    section=SECTION,
    label=_("My lessons"),
    url_name="learning:my_lessons",
    permission=perms.LEARN,
    icon="backpack",
    order=62,
)
nav_item(
    section=SECTION,
    label=_("External tools (LTI 1.3)"),
    url_name="learning:lti_tools",
    permission=perms.LTI_MANAGE,
    icon="plug",
    order=63,
)
