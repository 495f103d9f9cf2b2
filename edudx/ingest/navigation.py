from django.utils.translation import gettext_lazy as _

from edudx.core.navigation import nav_item

from .permissions import RUN

nav_item(
    section=_("Data"),
    label=_("Imports"),
    url_name="ingest:run_list",
    permission=RUN,
    icon="cloud-upload",
    order=40,
)
