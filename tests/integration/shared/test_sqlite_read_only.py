"""On SQLite a transaction that only reads does not take the write lock: it reads beside a writer
instead of queueing behind it. One that writes after all, behind a writer that committed since it
began, fails without writing anything and is run again by the shared retry."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from borderlink.db import make_engine, make_session_factory, transaction
from borderlink.shared.retry import SNAPSHOT, retry_cause, retry_once


@pytest.fixture
def database(tmp_path: Path) -> Iterator[tuple[Path, Engine]]:
    path = tmp_path / "node.db"
    engine = make_engine(f"sqlite:///{path}")

    def no_waiting(dbapi_connection: Any, _record: Any) -> None:
        # A lock that is taken fails at once instead of after the node's busy timeout.
        dbapi_connection.execute("PRAGMA busy_timeout=0")

    event.listen(engine, "connect", no_waiting)
    with transaction(make_session_factory(engine)) as session:
        session.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
        session.execute(text("INSERT INTO notes (body) VALUES ('first')"))
    yield path, engine
    engine.dispose()


@pytest.fixture
def other_writer(database: tuple[Path, Engine]) -> Iterator[sqlite3.Connection]:
    """Another connection to the same file, as another process of the node would have."""
    connection = sqlite3.connect(database[0], isolation_level=None, timeout=0)
    yield connection
    connection.close()


def _bodies(session: Session) -> list[str]:
    return list(session.scalars(text("SELECT body FROM notes ORDER BY id")))


def test_a_read_only_transaction_reads_while_another_connection_holds_the_write_lock(
    database: tuple[Path, Engine], other_writer: sqlite3.Connection,
) -> None:
    factory = make_session_factory(database[1])
    other_writer.execute("BEGIN IMMEDIATE")
    other_writer.execute("INSERT INTO notes (body) VALUES ('not committed yet')")
    with transaction(factory, read_only=True) as session:
        assert _bodies(session) == ["first"]
    with pytest.raises(OperationalError, match="locked"), transaction(factory) as session:
        _bodies(session)  # an ordinary transaction takes the write lock at its start
    other_writer.execute("COMMIT")


def test_a_read_only_transaction_that_writes_behind_a_committed_writer_is_run_again(
    database: tuple[Path, Engine], other_writer: sqlite3.Connection,
) -> None:
    factory = make_session_factory(database[1])
    attempts: list[int] = []

    def attempt() -> list[str]:
        with transaction(factory, read_only=True) as session:
            seen = _bodies(session)
            if not attempts:  # the first time, another writer commits between the read and the write
                other_writer.execute("INSERT INTO notes (body) VALUES ('from elsewhere')")
            attempts.append(len(seen))
            session.execute(text("INSERT INTO notes (body) VALUES ('mine')"))
            return seen

    with pytest.raises(OperationalError) as failed:
        attempt()
    assert retry_cause(failed.value) == SNAPSHOT
    attempts.clear()
    other_writer.execute("DELETE FROM notes WHERE body = 'from elsewhere'")

    assert retry_once(factory, "a test transaction", attempt) == ["first", "from elsewhere"]
    assert attempts == [1, 2]
    with transaction(factory, read_only=True) as session:
        assert _bodies(session) == ["first", "from elsewhere", "mine"]


def test_an_ordinary_transaction_is_never_refused_for_a_writer_that_committed_before_its_write(
    database: tuple[Path, Engine], other_writer: sqlite3.Connection,
) -> None:
    factory: sessionmaker[Session] = make_session_factory(database[1])
    with transaction(factory) as session:
        assert _bodies(session) == ["first"]
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other_writer.execute("INSERT INTO notes (body) VALUES ('from elsewhere')")
        session.execute(text("INSERT INTO notes (body) VALUES ('mine')"))
    with transaction(factory, read_only=True) as session:
        assert _bodies(session) == ["first", "mine"]
