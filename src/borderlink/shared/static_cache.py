"""Reference data that changes rarely (units, deadline settings), read once and kept per process.

Every request used to read the same few rows again: the whole units table to know a user's scope,
the deadline settings (usually none) for each new request. A `StaticCache` keeps what its loader
returned, per database, for `ttl_seconds`; a transaction of this process that writes one of its
models drops it once that transaction commits, so this process sees its own changes at once and
other processes sharing the database within `ttl_seconds`.

Caching is on in a serving node (`enable()`); elsewhere (tests that roll back every transaction,
CLI commands that run once) loaders run every time.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sqlalchemy import event
from sqlalchemy.orm import Session, UOWTransaction

T = TypeVar("T")
_DIRTY = "static_caches_written"
_caches: list[StaticCache[Any]] = []
_enabled = False


class StaticCache(Generic[T]):
    def __init__(self, name: str, models: tuple[type[Any], ...], load: Callable[[Session], T],
                 ttl_seconds: float = 5.0) -> None:
        self.name = name
        self.models = models
        self.load = load
        self.ttl_seconds = ttl_seconds
        self._lock = threading.Lock()
        self._values: dict[str, tuple[float, T]] = {}
        _caches.append(self)
        _install()

    def get(self, session: Session) -> T:
        if not _enabled or session.info.get(_DIRTY):
            return self.load(session)  # a transaction that wrote the data reads it as it wrote it
        key = str(session.get_bind().engine.url)
        now = time.monotonic()
        with self._lock:
            held = self._values.get(key)
        if held is not None and now - held[0] < self.ttl_seconds:
            return held[1]
        value = self.load(session)
        with self._lock:
            self._values[key] = (now, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


def enable(on: bool = True) -> None:
    global _enabled
    _enabled = on
    for cache in _caches:
        cache.clear()


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    written = {type(instance) for instance in (*session.new, *session.dirty, *session.deleted)}
    hit = [cache for cache in _caches if any(issubclass(kind, cache.models) for kind in written)]
    if hit:
        session.info.setdefault(_DIRTY, set()).update(id(cache) for cache in hit)


def _after_commit(session: Session) -> None:
    hit = session.info.pop(_DIRTY, None)
    if hit:
        for cache in _caches:
            if id(cache) in hit:
                cache.clear()


def _after_rollback(session: Session, previous: Any) -> None:
    if previous.parent is None and not previous.nested:
        session.info.pop(_DIRTY, None)


def _install() -> None:
    for name, handler in (("after_flush", _after_flush), ("after_commit", _after_commit),
                          ("after_soft_rollback", _after_rollback)):
        if not event.contains(Session, name, handler):
            event.listen(Session, name, handler)
