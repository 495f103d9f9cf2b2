from django.utils.translation import gettext_lazy as _

from edudx.core.navigation import nav_item

from . import permissions as perms

nav_item(section=_("Learning results"), label=_("Learning outcomes"), url_name="results:outcomes",
         permission=perms.VIEW, icon="bar-chart-line", order=70)  # fmt: skip
