"""Time as a dependency, so deadlines and escalations can be driven from tests."""

from __future__ import annotations

import datetime as dt
import os
import threading
from pathlib import Path
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


CLOCK_OFFSET_ENV = "BORDERLINK_CLOCK_OFFSET_FILE"


class FileOffsetClock:
    """The system time moved by the number of seconds written in a file, read again when the file
    changes: end-to-end tests move a serving node's time (expiry, purges) from outside."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._stamp: float | None = None
        self._offset = dt.timedelta()

    def now(self) -> dt.datetime:
        with self._lock:
            try:
                stamp = self._path.stat().st_mtime
                if stamp != self._stamp:
                    self._offset = dt.timedelta(seconds=float(self._path.read_text().strip() or 0))
                    self._stamp = stamp
            except (OSError, ValueError):
                self._offset = dt.timedelta()
            return utc_now() + self._offset


def clock_from_environment() -> Clock:
    """The clock of a serving node: the system's, or a `FileOffsetClock` when the environment
    variable BORDERLINK_CLOCK_OFFSET_FILE names a file."""
    path = os.environ.get(CLOCK_OFFSET_ENV)
    return FileOffsetClock(Path(path)) if path else SystemClock()
