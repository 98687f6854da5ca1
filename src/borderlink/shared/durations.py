"""Durations a node administrator sets per key (a priority, a group of alert kinds): response
deadlines and the like. Each domain keeps them in a table of its own with a key column and a
`seconds` column; a key never set (or set to nothing) has its default. Reads go through a
`StaticCache`, since every new object asks for its deadline. Who may change them is the settings'
own `permission`, checked by `change` (the page, the API and the domain's own code alike).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderlink.errors import Forbidden, InvalidInput
from borderlink.shared.forms import N_
from borderlink.shared.static_cache import StaticCache

if TYPE_CHECKING:
    from borderlink.directory.permissions import Principal

K = TypeVar("K")
_OUT_OF_BOUNDS = N_("A deadline is between 1 second and %(days)s days.")


class DurationSettings(Generic[K]):
    def __init__(self, name: str, model: type[Any], key: str, defaults: Mapping[K, dt.timedelta],
                 max_seconds: int, *, permission: str | None = None, refusal: str = "") -> None:
        """`permission` (refused with the message `refusal`) lets a principal `change` them."""
        self.model, self.key, self.defaults, self.max_seconds = model, key, dict(defaults), max_seconds
        self.permission, self.refusal = permission, refusal
        self._stored = StaticCache(name, (model,), self._load)

    def _load(self, session: Session) -> dict[K, int]:
        return {getattr(row, self.key): row.seconds for row in session.scalars(select(self.model))}

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
            row = session.get(self.model, key)
            if row is None:
                session.add(self.model(**{self.key: key, "seconds": value}))
            else:
                row.seconds = value

    def change(self, session: Session, principal: Principal, seconds: Mapping[str, int | None],
               fields: Mapping[K, str] | None = None) -> None:
        """`set` for a principal holding the settings' permission, each duration given under its
        key's name."""
        if self.permission is None or not principal.can(self.permission):
            raise Forbidden(self.refusal)
        by_name = {str(key): key for key in self.defaults}
        self.set(session, {by_name[name]: value for name, value in seconds.items()}, fields)
