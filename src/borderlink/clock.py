"""Time as a dependency, so deadlines and escalations can be driven from tests."""

from __future__ import annotations

import datetime as dt
import threading
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def known_zone(name: str) -> str:
    """`name` itself if it is an IANA time zone of this system, else ValueError (for validators)."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc
    return name


class Clock(Protocol):
    def now(self) -> dt.datetime: ...


class SystemClock:
    def now(self) -> dt.datetime:
        return utc_now()


class ManualClock:
    """A clock that only moves when told to."""

    def __init__(self, start: dt.datetime | None = None) -> None:
        self._now = start or utc_now()
        self._lock = threading.Lock()

    def now(self) -> dt.datetime:
        with self._lock:
            return self._now

    def advance(self, delta: dt.timedelta) -> None:
        with self._lock:
            self._now += delta

    def set(self, moment: dt.datetime) -> None:
        with self._lock:
            self._now = moment
