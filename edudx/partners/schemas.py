"""Typed inputs of the partners services (the HTML forms build them)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field


class CompanyIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    tax_code: str = Field("", max_length=20)
    website: str = Field("", max_length=200)
    address: str = Field("", max_length=255)


class AppIn(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    kind: str = "other"
    description: str = Field("", max_length=5000)
    categories: list[str] = Field(default_factory=list)


class ReviewIn(BaseModel):
    # checklist key → (checked, note)
    items: dict[str, tuple[bool, str]] = Field(default_factory=dict)


class ContractIn(BaseModel):
    reference: str = Field(min_length=1, max_length=100)
    signed_on: dt.date
    valid_until: dt.date | None = None
    note: str = Field("", max_length=255)


class ContactIn(BaseModel):
    name: str = Field(min_length=1, max_length=150)
    role: str = Field("", max_length=100)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=20)
