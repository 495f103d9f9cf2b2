"""Problems are data: {row, column, code, severity, message}.

Row numbers are the spreadsheet's own: the header is row 1, the first data row is row 2.
Row 0 means the whole file. Messages are stored as lazy translations and rendered in the
reader's language when a report is produced.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext_lazy as _

from edudx.core.rules import ERROR, WARNING

__all__ = ["ERROR", "WARNING", "FileRejected", "Problem", "Problems"]


class FileRejected(Exception):
    """The file as a whole cannot be taken in (wrong type, empty, hostile, wrong kind…)."""

    def __init__(self, code: str, message: Any, *, column: str = ""):
        self.code = code
        self.message = message
        self.column = column
        super().__init__(code)


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    code: str
    severity: str
    message: Any

    def as_dict(self) -> dict[str, Any]:
        return {
            "row": self.row,
            "column": self.column,
            "code": self.code,
            "severity": self.severity,
            "message": str(self.message),
        }


class Problems:
    """Collects problems; keeps every error, and warnings up to a cap (counted beyond it)."""

    def __init__(self, *, max_warnings: int = 200_000):
        self.items: list[Problem] = []
        self.error_rows: set[int] = set()
        self.file_errors = 0
        self.warnings = 0
        self.errors = 0
        self.max_warnings = max_warnings
        self.dropped_warnings = 0

    def add(self, row: int, column: str, code: str, severity: str, message: Any) -> None:
        if severity == ERROR:
            self.errors += 1
            if row:
                self.error_rows.add(row)
            else:
                self.file_errors += 1
        else:
            self.warnings += 1
            if self.warnings > self.max_warnings:
                self.dropped_warnings += 1
                return
        self.items.append(Problem(row, column, code, severity, message))

    def add_rows(self, rows: list[int], column: str, code: str, severity: str, message: Any) -> None:
        for r in rows:
            self.add(r, column, code, severity, message)

    def file_error(self, code: str, message: Any, column: str = "") -> None:
        self.add(0, column, code, ERROR, message)

    def file_warning(self, code: str, message: Any, column: str = "") -> None:
        self.add(0, column, code, WARNING, message)

    @property
    def has_errors(self) -> bool:
        return self.errors > 0

    def sorted(self) -> list[Problem]:
        return sorted(self.items, key=lambda p: (p.row, p.column, p.code))


TOO_MANY = _("Too many problems; only the first ones are listed.")
