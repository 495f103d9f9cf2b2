"""The connector interface to a population registry.

A connector takes people as submitted (personal ID, name, date of birth, gender) and answers,
per person, whether the registry holds the same facts. It never raises for one person's
trouble: a person it could not check comes back with status ERROR, so a batch of a thousand
does not fail because of one timeout.
"""

from __future__ import annotations

import abc
import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

MATCH = "match"
MISMATCH = "mismatch"
NOT_FOUND = "not_found"
ERROR = "error"
DEFINITIVE = frozenset({MATCH, MISMATCH, NOT_FOUND})
FIELDS = ("full_name", "date_of_birth", "gender")


@dataclass(frozen=True)
class PersonQuery:
    ref: str  # the caller's handle, echoed back (e.g. "student:42"); never the ID itself
    personal_id: str
    full_name: str
    date_of_birth: dt.date | None
    gender: str

    def as_payload(self) -> dict[str, str]:
        return {
            "ref": self.ref,
            "personal_id": self.personal_id,
            "full_name": self.full_name,
            "date_of_birth": self.date_of_birth.isoformat() if self.date_of_birth else "",
            "gender": self.gender,
        }

    def fingerprint(self) -> str:
        """A hash of the submitted facts: the cache key (the ID never appears in clear)."""
        p = self.as_payload()
        raw = "\x1f".join([p["personal_id"], p["full_name"], p["date_of_birth"], p["gender"]])
        return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class VerifyResult:
    ref: str
    status: str  # MATCH | MISMATCH | NOT_FOUND | ERROR
    differing_fields: tuple[str, ...] = ()
    error: str = ""  # a short machine word for ERROR results: timeout, http_503, …
    cached: bool = field(default=False, compare=False)


class Connector(abc.ABC):
    """What every registry adapter offers. `source` names it in the recorded results."""

    source: str = "registry"

    @abc.abstractmethod
    def verify_batch(self, people: Sequence[PersonQuery]) -> list[VerifyResult]:
        """One result per person, in the same order. Splits into batches as the registry needs."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""
