"""The API's one error body, as a schema for the OpenAPI document.

Every error answer of /api/v1/ has this body (config/api.py renders DomainError, validation,
authentication and HTTP errors into it). config/api.py declares the answers every operation of
a kind gives (401 on every operation, 422 where it takes input, 404 where its path names a
record, 403 on writes, 429 on searches); a handler declares the others it gives with
`errors(…)`: `@router.post("/x", response={201: XOut, **errors(404, 409)})`.
"""

from __future__ import annotations

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    field: str = Field(description="The input field at fault (dotted path), or '' for the whole request")
    code: str = Field(description="Stable, machine-readable code")
    message: str = Field(description="Translated message")


class ErrorInfo(BaseModel):
    code: str = Field(description="Stable, machine-readable code, e.g. not_found, validation_failed")
    message: str = Field(description="Translated message (Vietnamese by default)")
    details: list[ErrorDetail] = Field(description="One entry per field at fault")


class ErrorOut(BaseModel):
    error: ErrorInfo


def errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """`response={200: Out, **errors(404, 409)}`: these statuses answer with the error body."""
    return dict.fromkeys(statuses, ErrorOut)
