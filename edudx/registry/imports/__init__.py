"""Ingest kinds of the registry: students with enrolments, staff, schools, classes — one module
each, registered in this order at start-up (core.autodiscover imports this package; the upload
form offers the kinds in the order they were registered, students first).

Declared once per kind; the ingest engine reads, normalises, validates, previews, commits and
reports. Column headers follow the sector database's templates (CSDL ngành); aliases accept
them without accents, in English, and as older template versions wrote them.
"""

# isort: off
from .students import STUDENTS
from .staff import STAFF
from .schools import SCHOOLS
from .classes import CLASSES

# isort: on
from .common import INGEST_RUN, _name_key

__all__ = ["CLASSES", "INGEST_RUN", "SCHOOLS", "STAFF", "STUDENTS", "_name_key"]
