"""What every section's checks are built from: objects with known properties, strings, IRIs,
UUIDs, booleans, numbers, language maps and extensions (xAPI Data 2.2, 4.2)."""

from __future__ import annotations

from typing import Any

from .formats import fail, is_iri, is_lang_tag, is_uuid


class Checks:
    def __init__(self, version: str):
        self.version = version

    # ----- small types
    def obj(self, value: Any, where: str, allowed: set[str], required: tuple[str, ...] = ()) -> dict:
        if not isinstance(value, dict):
            fail(f"{where} must be a JSON object")
        for key, item in value.items():
            if key not in allowed:
                fail(f"{where} has an unknown property {key!r}")
            if item is None:
                fail(f"{where}.{key} must not be null")
        for key in required:
            if key not in value:
                fail(f"{where}.{key} is required")
        return value

    def string(self, value: Any, where: str) -> str:
        if not isinstance(value, str):
            fail(f"{where} must be a string")
        return value

    def iri(self, value: Any, where: str) -> None:
        if not is_iri(value):
            fail(f"{where} must be an IRI")

    def uuid(self, value: Any, where: str) -> None:
        if not is_uuid(value):
            fail(f"{where} must be a UUID")

    def boolean(self, value: Any, where: str) -> None:
        if not isinstance(value, bool):
            fail(f"{where} must be true or false")

    def number(self, value: Any, where: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            fail(f"{where} must be a number")
        return float(value)

    def lang_map(self, value: Any, where: str) -> None:
        if not isinstance(value, dict):
            fail(f"{where} must be a language map")
        for tag, text in value.items():
            if not is_lang_tag(tag):
                fail(f"{where} has an invalid language tag {tag!r}")
            if not isinstance(text, str):
                fail(f"{where}[{tag!r}] must be a string")

    def extensions(self, value: Any, where: str) -> None:
        if not isinstance(value, dict):
            fail(f"{where} must be an object")
        for key in value:
            if not is_iri(key):
                fail(f"{where} keys must be IRIs")
