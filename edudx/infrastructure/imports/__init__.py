"""Ingest kinds of the infrastructure inventory: devices, rooms and Internet connections.

Declared here once; the shared import engine reads, maps headers, normalises, validates,
previews, commits and reports. Headers are Vietnamese as in the template, with aliases
without accents and in English.
"""

from . import connections, devices, rooms

__all__ = ["connections", "devices", "rooms"]
