"""Digital-transformation evaluation: frameworks (versioned data), campaigns, assessments.

A framework is data, never code: groups → criteria → sub-items with maximum points,
mandatory conditions, scoring bands, evidence requirements and optional automatic
indicators. An administrator clones last year's framework and corrects it in the UI.
A campaign runs one framework for one school year over the schools it covers; each school
gets one assessment, with one entry row per criterion so that two people editing the same
assessment never overwrite each other's work (each row also carries an optimistic version).
"""

from .assessments import (
    ZERO,
    Assessment,
    AutoPoint,
    Campaign,
    DeadlineExtension,
    Entry,
    Evidence,
    GroupResult,
)
from .frameworks import Criterion, Framework, FrameworkGroup, ScoringBand, SubItem

__all__ = [
    "Assessment",
    "AutoPoint",
    "Campaign",
    "Criterion",
    "DeadlineExtension",
    "Entry",
    "Evidence",
    "Framework",
    "FrameworkGroup",
    "GroupResult",
    "ScoringBand",
    "SubItem",
    "ZERO",
]
