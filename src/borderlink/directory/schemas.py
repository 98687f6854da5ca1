"""JSON shapes of the directory API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints


class UnitOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    code: str
    party_code: str
    tier: str
    name_vi: str
    name_zh: str
    name_en: str
    parent_code: str | None = None
    province: str | None = None
    location: str | None = None
    counterpart_codes: list[str] = Field(default_factory=list)


class UserOut(BaseModel):
    id: str
    username: str
    display_name: str
    unit_code: str
    role: str
    is_active: bool
    totp_enabled: bool
    locked: bool


def _text(min_length: int, max_length: int) -> StringConstraints:
    """Text without its surrounding spaces, refused when nothing else is left."""
    return StringConstraints(strip_whitespace=True, min_length=min_length, max_length=max_length)


class UserCreate(BaseModel):
    username: Annotated[str, _text(2, 63)]
    password: str = Field(min_length=12, max_length=256)
    unit_code: Annotated[str, _text(1, 80)]
    role: Annotated[str, _text(1, 20)]
    display_name: Annotated[str, _text(1, 200)] | None = None
    language: str | None = None


class TokenCreate(BaseModel):
    name: Annotated[str, _text(1, 120)]


class TokenOut(BaseModel):
    id: str
    name: str
    prefix: str
    created_at: dt.datetime
    revoked_at: dt.datetime | None = None


class TokenCreated(TokenOut):
    token: str = Field(description="The secret; shown only in this response.")


class PrincipalOut(BaseModel):
    user_id: str
    username: str
    display_name: str
    role: str
    unit_code: str
    party: str
    permissions: list[str]
