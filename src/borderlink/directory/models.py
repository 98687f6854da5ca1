"""Parties, units at three tiers, counterparts across the border, users, roles and API tokens."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from borderlink.db import Base
from borderlink.ids import new_id
from borderlink.shared.codelists import enum_column


class Tier(enum.StrEnum):
    CENTRAL = "central"
    PROVINCIAL = "provincial"
    POST = "post"

    @property
    def rank(self) -> int:
        return {"central": 0, "provincial": 1, "post": 2}[self.value]


class Role(enum.StrEnum):
    ADMIN = "admin"
    COMMANDER = "commander"
    OFFICER = "officer"
    ANALYST = "analyst"
    VIEWER = "viewer"


class Party(Base):
    __tablename__ = "parties"

    code: Mapped[str] = mapped_column(String(2), primary_key=True)
    name_vi: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    is_local: Mapped[bool] = mapped_column(default=False)


class Unit(Base):
    __tablename__ = "units"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    party_code: Mapped[str] = mapped_column(ForeignKey("parties.code"))
    tier: Mapped[Tier] = mapped_column(enum_column(Tier))
    name_vi: Mapped[str] = mapped_column(String(200))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("units.id"), default=None)
    province: Mapped[str | None] = mapped_column(String(120), default=None)
    location: Mapped[str | None] = mapped_column(String(200), default=None)
    is_active: Mapped[bool] = mapped_column(default=True)

    parent: Mapped[Unit | None] = relationship(remote_side=[id], lazy="joined", join_depth=1)

    __table_args__ = (Index("ix_units_party_tier", "party_code", "tier"),)

    def name(self, language: str) -> str:
        if language.startswith("zh"):
            return self.name_zh
        if language == "vi":
            return self.name_vi
        return self.name_en


class Counterpart(Base):
    """Two units facing each other across the border at the same tier (stored once per pair)."""

    __tablename__ = "counterparts"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    unit_a_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    unit_b_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    kind: Mapped[str] = mapped_column(String(40), default="counterpart")

    __table_args__ = (UniqueConstraint("unit_a_id", "unit_b_id", name="uq_counterpart_pair"),)


class User(Base):
    __tablename__ = "users"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    username: Mapped[str] = mapped_column(String(80), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    unit_id: Mapped[str] = mapped_column(ForeignKey("units.id"))
    role: Mapped[Role] = mapped_column(enum_column(Role))
    language: Mapped[str | None] = mapped_column(String(10), default=None)
    timezone: Mapped[str | None] = mapped_column(String(64), default=None)
    totp_secret: Mapped[str | None] = mapped_column(String(64), default=None)
    # Time step of the last code accepted: a code is good for one login only.
    totp_last_step: Mapped[int | None] = mapped_column(default=None)
    failed_logins: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(default=None)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime]

    unit: Mapped[Unit] = relationship(lazy="joined")


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    name: Mapped[str] = mapped_column(String(120))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime]
    last_used_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    user: Mapped[User] = relationship(lazy="joined")


class WebSession(Base):
    """A browser login. The cookie holds a random token; only its hash is stored."""

    __tablename__ = "web_sessions"
    __audit__ = False

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("users.id"))
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]

    user: Mapped[User] = relationship(lazy="joined")
