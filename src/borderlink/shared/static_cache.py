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
_caches: list[StaticCache[Any] | KeyedCache[Any]] = []
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


class KeyedCache(Generic[T]):
    """Values worked out one key at a time (a verified API token, say), kept per database for
    `ttl_seconds` and dropped, all of them, once a transaction of this process that writes one of
    `models` commits. Unlike `StaticCache`, a value is looked up without a session: a hit costs no
    transaction at all. `engine_key` is `str(engine.url)` of the node's engine."""

    def __init__(self, name: str, models: tuple[type[Any], ...], ttl_seconds: float = 2.0,
                 max_entries: int = 10_000) -> None:
        self.name = name
        self.models = models
        self.ttl_seconds = ttl_seconds
        self.max_entries = max_entries
        self._lock = threading.Lock()
        self._values: dict[tuple[str, str], tuple[float, T]] = {}
        self._generation = 0
        _caches.append(self)
        _install()

    def generation(self) -> int:
        """Take this before reading what is to be kept, and give it to `put`."""
        return self._generation

    def get(self, engine_key: str, key: str) -> T | None:
        if not _enabled:
            return None
        with self._lock:
            held = self._values.get((engine_key, key))
        if held is None or time.monotonic() - held[0] >= self.ttl_seconds:
            return None
        return held[1]

    def put(self, session: Session, key: str, value: T, generation: int) -> None:
        """Keep `value`, read after `generation()` returned `generation`: not if the cache was
        dropped since (a revocation committed meanwhile may not be in what was read), nor if this
        very transaction wrote one of the models (its commit is to drop the cache)."""
        if not _enabled or id(self) in (session.info.get(_DIRTY) or ()):
            return
        entry = (str(session.get_bind().engine.url), key)
        with self._lock:
            if generation != self._generation:
                return
            if len(self._values) >= self.max_entries:
                self._values.clear()
            self._values[entry] = (time.monotonic(), value)

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
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
