from django.utils.translation import gettext_lazy as _

from edudx.core.navigation import nav_item

nav_item(
    section=_("Data"),
    label=_("My exports"),
    url_name="exports:job_list",
    permission=None,
    icon="download",
    order=45,
)
