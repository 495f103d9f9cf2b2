from django.utils.translation import gettext_lazy as _

from edudx.core.navigation import nav_item

from . import permissions as perms

SECTION = _("Data quality")
nav_item(section=SECTION, label=_("Duplicate persons"), url_name="quality:queue", permission=perms.REVIEW,
         icon="people", order=70)  # fmt: skip
nav_item(section=SECTION, label=_("Merges"), url_name="quality:merges", permission=perms.REVIEW, icon="union",
         order=71)  # fmt: skip
nav_item(section=SECTION, label=_("Matching model"), url_name="quality:models", permission=perms.REVIEW,
         icon="sliders", order=72)  # fmt: skip
nav_item(section=SECTION, label=_("Searches for duplicates"), url_name="quality:runs", permission=perms.RUN,
         icon="search", order=73)  # fmt: skip
nav_item(section=SECTION, label=_("Data-quality scorecards"), url_name="quality:scorecards",
         permission=perms.SCORECARD, icon="clipboard-data", order=69)  # fmt: skip
nav_item(section=SECTION, label=_("Data-quality rules"), url_name="quality:rules", permission=perms.SCORECARD,
         icon="list-check", order=74)  # fmt: skip
