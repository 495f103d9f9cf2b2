from django.utils.translation import gettext_lazy as _

from edudx.core.navigation import nav_item

from . import permissions as perms

nav_item(
    section=_("Learning materials"),
    label=_("Search materials"),
    url_name="library:resource_search",
    permission=perms.VIEW,
    icon="journal-bookmark",
    order=40,
)
nav_item(
    section=_("Learning materials"),
    label=_("My materials"),
    url_name="library:my_resources",
    permission=perms.CONTRIBUTE,
    icon="folder2-open",
    order=41,
)
nav_item(
    section=_("Learning materials"),
    label=_("Collections"),
    url_name="library:collection_list",
    permission=perms.VIEW,
    icon="collection",
    order=42,
)
nav_item(
    section=_("Learning materials"),
    label=_("Review queue"),
    url_name="library:review_queue",
    permission=perms.REVIEW,
    icon="clipboard-check",
    order=43,
)
