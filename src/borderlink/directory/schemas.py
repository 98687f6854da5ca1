"""JSON shapes of the directory API."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field


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


class UserCreate(BaseModel):
    username: str = Field(min_length=2, max_length=63)
    password: str = Field(min_length=12, max_length=256)
    unit_code: str
    role: str
    display_name: str | None = Field(default=None, max_length=200)
    language: str | None = None


class TokenCreate(BaseModel):
    name: str = Field(min_length=1, max_length=120)


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
