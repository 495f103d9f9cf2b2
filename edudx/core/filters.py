"""The base of every list's filter model (`<app>/filters.py`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

from pydantic import BaseModel, ValidationError, field_validator

F = TypeVar("F", bound=BaseModel)


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


def parse_filter(model: type[F], params: Mapping[str, str]) -> F:
    """An HTML list's filter from its query string (`request.GET`). A bad value drops that
    one filter and keeps the others — a hand-edited URL (a huge id, a NUL, a word where a
    number goes) still shows the list — while the API, reading the same model, answers 422."""
    data = {k: v for k in model.model_fields if (v := (params.get(k) or "").strip()) != ""}
    for _attempt in range(len(data) + 1):
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            bad = {str(e["loc"][0]) for e in exc.errors() if e.get("loc")}
            if not bad & set(data):
                break
            for key in bad:
                data.pop(key, None)
    return model()
