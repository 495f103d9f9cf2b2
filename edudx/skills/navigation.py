from django.utils.translation import gettext_lazy as _

from edudx.core.navigation import nav_item

from . import permissions as perms

SECTION = _("Digital skills")
nav_item(section=SECTION, label=_("Certificate coverage"), url_name="skills:coverage", permission=perms.VIEW,
         icon="award", order=60)  # fmt: skip
nav_item(section=SECTION, label=_("Competence heatmap"), url_name="skills:heatmap", permission=perms.VIEW,
         icon="grid-3x3", order=61)  # fmt: skip
nav_item(section=SECTION, label=_("My certificates and training"), url_name="skills:my_record",
         permission=perms.ASSESS, icon="person-vcard", order=62)  # fmt: skip
nav_item(section=SECTION, label=_("My self-assessment"), url_name="skills:my_assessments", permission=perms.ASSESS,
         icon="person-check", order=62)  # fmt: skip
nav_item(section=SECTION, label=_("Confirm self-assessments"), url_name="skills:confirm", permission=perms.CONFIRM,
         icon="check2-square", order=63)  # fmt: skip
nav_item(section=SECTION, label=_("Unmatched results"), url_name="skills:results", permission=perms.IMPORT_RESULTS,
         icon="question-diamond", order=64)  # fmt: skip
nav_item(section=SECTION, label=_("Training plan"), url_name="skills:training", permission=perms.VIEW,
         icon="mortarboard", order=65)  # fmt: skip
nav_item(section=SECTION, label=_("Pupils' digital competence"), url_name="skills:pupils", permission=perms.VIEW,
         icon="people", order=66)  # fmt: skip
nav_item(section=SECTION, label=_("Pupils' competence levels"), url_name="skills:my_classes",
         permission=perms.ASSESS_PUPILS, icon="pencil-square", order=67)  # fmt: skip
nav_item(section=SECTION, label=_("Certificate expiry alerts"), url_name="skills:alerts", permission=perms.ASSESS,
         icon="bell", order=68)  # fmt: skip
nav_item(section=SECTION, label=_("Certificate catalogue and targets"), url_name="skills:catalogue",
         permission=perms.MANAGE, icon="journal-text", order=69)  # fmt: skip
