"""Durations a node administrator sets per key (a priority, a kind of alert): response deadlines,
validities and the like. Every domain's are rows of one table, `duration_settings`, named by the
group they belong to (`"hotline.deadlines"`) and the key; a key never set has its default. Reads go
through a `StaticCache`, since every new object asks for its deadline. Who may change them is the
settings' own `permission`, checked by `change` (the page, the API and the domain's own code alike).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Generic, TypeVar

from sqlalchemy import String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from borderlink.db import Base
from borderlink.errors import Forbidden, InvalidInput
from borderlink.shared.forms import N_
from borderlink.shared.static_cache import StaticCache

if TYPE_CHECKING:
    from borderlink.directory.permissions import Principal

K = TypeVar("K")
_OUT_OF_BOUNDS = N_("A deadline is between 1 second and %(days)s days.")


class DurationSetting(Base):
    """One duration a node administrator set, in seconds."""

    __tablename__ = "duration_settings"

    settings: Mapped[str] = mapped_column(String(40), primary_key=True)  # the group, e.g. "hotline.deadlines"
    name: Mapped[str] = mapped_column(String(40), primary_key=True)  # the key within it, e.g. "urgent"
    seconds: Mapped[int]


class DurationSettings(Generic[K]):
    def __init__(self, group: str, defaults: Mapping[K, dt.timedelta], max_seconds: int, *,
                 permission: str | None = None, refusal: str = "") -> None:
        """The durations of `group`, one per key of `defaults` (stored under `str(key)`);
        `permission` (refused with the message `refusal`) lets a principal `change` them."""
        self.group, self.defaults, self.max_seconds = group, dict(defaults), max_seconds
        self.permission, self.refusal = permission, refusal
        self._by_name = {str(key): key for key in self.defaults}
        self._stored = StaticCache(group, (DurationSetting,), self._load)

    def _load(self, session: Session) -> dict[K, int]:
        rows = session.execute(select(DurationSetting.name, DurationSetting.seconds).where(
            DurationSetting.settings == self.group))
        return {self._by_name[name]: seconds for name, seconds in rows if name in self._by_name}

    def of(self, session: Session, key: K) -> dt.timedelta:
        seconds = self._stored.get(session).get(key)
        return dt.timedelta(seconds=seconds) if seconds else self.defaults[key]

    def all(self, session: Session) -> dict[K, dt.timedelta]:
        return {key: self.of(session, key) for key in self.defaults}

    def set(self, session: Session, seconds: Mapping[K, int | None], fields: Mapping[K, str] | None = None) -> None:
        """Store the durations given (None leaves one as it is); one out of bounds is refused on
        the input `fields` names for it."""
        for key, value in seconds.items():
            if value is None:
                continue
            if not 1 <= value <= self.max_seconds:
                raise InvalidInput(_OUT_OF_BOUNDS, field=(fields or {}).get(key, str(key)),
                                   days=self.max_seconds // 86400)
            row = session.get(DurationSetting, (self.group, str(key)))
            if row is None:
                session.add(DurationSetting(settings=self.group, name=str(key), seconds=value))
            else:
                row.seconds = value

    def change(self, session: Session, principal: Principal, seconds: Mapping[str, int | None],
               fields: Mapping[K, str] | None = None) -> None:
        """`set` for a principal holding the settings' permission, each duration given under its
        key's name."""
        if self.permission is None or not principal.can(self.permission):
            raise Forbidden(self.refusal)
        self.set(session, {self._by_name[name]: value for name, value in seconds.items()}, fields)
