"""The base of every list's filter model (`<app>/filters.py`)."""

from __future__ import annotations

from pydantic import BaseModel, field_validator


class FilterModel(BaseModel):
    """A list filter, shared by the HTML list and the API list. No text value may hold a NUL
    character: PostgreSQL can neither store nor compare one (`?q=%00` was a 500 there). The
    API refuses such a value (422); an HTML list drops that filter, like any bad value."""

    @field_validator("*", mode="before")
    @classmethod
    def _no_nul(cls, value: object) -> object:
        if isinstance(value, str) and "\x00" in value:
            raise ValueError("NUL character")
        return value
