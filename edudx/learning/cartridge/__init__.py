"""IMS Common Cartridge 1.3 for courses (issue #15): `export.build` writes a course as a
cartridge, `reader.read` parses an uploaded one (pure: no database) for
`services.cartridge.course_import`. Quizzes travel as QTI 1.2 assessments of the CC profile
(`qti12.py`)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from edudx.core.errors import ValidationFailed

CP = "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"
WL = "http://www.imsglobal.org/xsd/imsccv1p3/imswl_v1p3"
ASSESSMENT = "imsqti_xmlv1p2/imscc_xmlv1p3/assessment"

# What an uploaded cartridge may hold (a zip bomb, a huge manifest are refused before reading).
MAX_UPLOAD = 100 * 1024**2
MAX_TOTAL = 300 * 1024**2  # uncompressed, all entries
MAX_ENTRY = 100 * 1024**2
MAX_ENTRIES = 5000
MAX_RATIO = 200  # uncompressed / compressed, per entry
MAX_MANIFEST = 5 * 1024**2
MAX_XML = 5 * 1024**2  # any other XML or HTML read
MAX_ITEMS = 3000  # organisation items
MAX_DEPTH = 20


class CartridgeError(ValidationFailed):
    """A cartridge refused, with a stable code (the message is shown in Vietnamese)."""


MESSAGES = {
    "cc_not_zip": _("The file is not a Common Cartridge package (.imscc, a zip archive)."),
    "cc_too_large": _("The package is too large or expands too much (a zip bomb is refused)."),
    "cc_unsafe_path": _("The package holds a file with an unsafe path (“..”, absolute or a link)."),
    "cc_no_manifest": _("The package has no imsmanifest.xml at its root."),
    "cc_manifest_too_large": _("The package's manifest is too large."),
    "cc_bad_xml": _("The package holds XML that cannot be read (or declares entities)."),
    "cc_not_cartridge": _("The manifest is not an IMS Common Cartridge manifest."),
    "cc_empty": _("The package has no organisation of items to import."),
    "cc_missing_file": _("The manifest names a file the package does not hold."),
}


def refuse(code: str, detail: str = "") -> CartridgeError:
    message = str(MESSAGES[code]) + (f" ({detail})" if detail else "")
    return CartridgeError(message, code=code)
