"""Database plumbing: typed declarative base, engines, and the one place that commits."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, ClassVar, TypeVar

from sqlalchemy import DateTime, MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Timestamps are stored in UTC and always come back timezone-aware, on SQLite too."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {dt.datetime: UTCDateTime()}


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Transactions are begun by us (see _sqlite_begin), not by the driver's own heuristics.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


# The execution option of a transaction that only reads (see `transaction(read_only=True)`).
READ_ONLY = "borderlink_read_only"


def _sqlite_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front: a transaction that reads and then writes can never
    # fail half-way because another writer committed in between (it waits on busy_timeout instead).
    # A transaction that only reads must not queue behind the writers for a lock it does not use:
    # it begins deferred and reads its snapshot beside them (WAL). Should it write after all, it
    # takes the lock then, and fails at once if another writer committed since it began reading
    # (SQLITE_BUSY_SNAPSHOT); `shared.retry` runs such a transaction again.
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def normalise_url(url: str) -> str:
    """Accept plain `postgresql://` URLs and use the psycopg 3 driver for them."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("postgres://"):
        return "postgresql+psycopg://" + url.removeprefix("postgres://")
    return url


# A pooled PostgreSQL connection idle for longer than this is checked before it is used again (the
# server may have restarted or a firewall dropped it meanwhile). Checking every checkout, as
# `pool_pre_ping` does, cost a round trip per transaction; a busy node reuses its connections
# within moments, so the check is kept for the ones that sat unused.
PING_AFTER_IDLE_SECONDS = 5.0
_CHECKED_IN_AT = "checked_in_at"


def _note_checkin(_dbapi_connection: Any, record: Any) -> None:
    if record is not None:
        record.info[_CHECKED_IN_AT] = time.monotonic()


def _ping_if_idle(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    idle_since = record.info.get(_CHECKED_IN_AT)
    if idle_since is None or time.monotonic() - idle_since < PING_AFTER_IDLE_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
        dbapi_connection.rollback()
    except Exception as exc:
        # The pool drops this connection and hands out a new one instead.
        raise DisconnectionError(f"a pooled connection was gone: {exc}") from exc


class _StatementCount:
    """Statements this process sent to its databases (an executemany counts once): what `/metrics`
    shows, so the statements a request costs can be read from a running node."""

    total = 0


def _count_statement(*_args: Any) -> None:
    _StatementCount.total += 1  # one bytecode-level add under the GIL; an exact count is not needed


def statements_sent() -> int:
    return _StatementCount.total


def make_engine(url: str, **kwargs: Any) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
        event.listen(engine, "before_cursor_execute", _count_statement)
        return engine
    engine = create_engine(url, **kwargs)
    event.listen(engine, "before_cursor_execute", _count_statement)
    event.listen(engine, "checkin", _note_checkin)
    event.listen(engine, "checkout", _ping_if_idle)
    return engine


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(bind=engine, expire_on_commit=False)


@contextmanager
def transaction(factory: sessionmaker[Session], *, read_only: bool = False, **info: Any) -> Iterator[Session]:
    """One unit of work: commits when the block succeeds, rolls back when it raises. `read_only`:
    the work is not expected to write (on SQLite it then does not take the write lock at its start)."""
    session = open_session(factory, read_only=read_only, **info)
    try:
        yield session
    except BaseException:
        end_transaction(session, succeeded=False)
        raise
    end_transaction(session, succeeded=True)


def open_session(factory: sessionmaker[Session], *, read_only: bool = False, **info: Any) -> Session:
    """The session of a unit of work (see `transaction`); it touches the database only once used."""
    session = factory(execution_options={READ_ONLY: True}) if read_only else factory()
    session.info.update(info)
    return session


def end_transaction(session: Session, *, succeeded: bool) -> None:
    """Commit the unit of work (roll it back when it did not succeed, or the commit fails), then
    close its session."""
    try:
        if succeeded:
            session.commit()
        else:
            session.rollback()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def is_postgres(session: Session) -> bool:
    bind = session.get_bind()
    return bind.dialect.name == "postgresql"


T = TypeVar("T")


def for_transaction(session: Session, key: str, make: Callable[[], T] | None = None) -> T | None:
    """What was kept under `key` for the session's running transaction (another transaction of the
    same session never sees it); made with `make` and kept when there is none yet, the session's
    transaction beginning now if it has not yet. None when nothing is kept and there is no `make`."""
    transaction = session.get_transaction()
    if transaction is None:
        if make is None:
            return None
        transaction = session.begin()
    held = session.info.get(key)
    if held is not None and held[0] == id(transaction):
        kept: T = held[1]
        return kept
    if make is None:
        return None
    made = make()
    session.info[key] = (id(transaction), made)
    return made


_ON_COMMIT = "on_commit_callbacks"
_ON_COMMIT_KEYS = "on_commit_keys"


def on_commit(session: Session, callback: Any) -> None:
    """Run `callback()` once the session's transaction has committed (dropped on rollback)."""
    callbacks = session.info.setdefault(_ON_COMMIT, [])
    callbacks.append(callback)
    if not event.contains(session, "after_commit", _run_on_commit):
        event.listen(session, "after_commit", _run_on_commit)
        event.listen(session, "after_soft_rollback", _drop_on_commit)


def on_commit_once(session: Session, key: str, callback: Any) -> None:
    """`on_commit`, unless a callback under the same `key` waits already for this transaction
    (one notice for many changes of a kind)."""
    keys: set[str] = session.info.setdefault(_ON_COMMIT_KEYS, set())
    if key in keys:
        return
    keys.add(key)
    on_commit(session, callback)


def _run_on_commit(session: Session) -> None:
    session.info.pop(_ON_COMMIT_KEYS, None)
    for callback in session.info.pop(_ON_COMMIT, []):
        callback()


def _drop_on_commit(session: Session, _previous: Any) -> None:
    if not session.in_transaction():
        session.info.pop(_ON_COMMIT, None)
        session.info.pop(_ON_COMMIT_KEYS, None)
