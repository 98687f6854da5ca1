"""The per-process cache of reference data: kept for its time, dropped by a local write's commit,
and off unless a serving node turns it on."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import String, create_engine, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column

from borderlink.shared import static_cache


class _Base(DeclarativeBase):
    pass


class _Setting(_Base):
    __tablename__ = "settings"
    name: Mapped[str] = mapped_column(String(20), primary_key=True)
    value: Mapped[str] = mapped_column(String(20))


@pytest.fixture
def engine() -> Iterator[Engine]:
    made = create_engine("sqlite://")
    _Base.metadata.create_all(made)
    with Session(made) as session, session.begin():
        session.add(_Setting(name="a", value="1"))
    static_cache.enable()
    yield made
    static_cache.enable(False)
    made.dispose()


def test_values_are_kept_and_a_local_write_drops_them_at_commit(engine: Engine) -> None:
    loads: list[int] = []

    def load(session: Session) -> dict[str, str]:
        loads.append(1)
        return {s.name: s.value for s in session.scalars(select(_Setting))}

    cache = static_cache.StaticCache("test settings", (_Setting,), load, ttl_seconds=60)
    with Session(engine) as session:
        assert cache.get(session) == {"a": "1"}
        assert cache.get(session) == {"a": "1"}
    assert len(loads) == 1
    with Session(engine) as session, session.begin():
        setting = session.get(_Setting, "a")
        assert setting is not None
        setting.value = "2"
        session.flush()
        assert cache.get(session) == {"a": "2"}  # the writing transaction reads its own change
    with Session(engine) as session:
        assert cache.get(session) == {"a": "2"}
    static_cache.enable(False)
    with Session(engine) as session:
        before = len(loads)
        cache.get(session)
        cache.get(session)
        assert len(loads) == before + 2  # off: loaded every time


def test_keyed_values_are_kept_and_a_local_write_drops_them_at_commit(engine: Engine) -> None:
    cache: static_cache.KeyedCache[str] = static_cache.KeyedCache("test keyed", (_Setting,), ttl_seconds=60)
    where = str(engine.url)
    with Session(engine) as session:
        generation = cache.generation()
        cache.put(session, "a", "1", generation)
    assert cache.get(where, "a") == "1"
    assert cache.get(where, "b") is None
    assert cache.get("sqlite:///elsewhere.db", "a") is None  # kept per database
    with Session(engine) as session, session.begin():
        setting = session.get(_Setting, "a")
        assert setting is not None
        setting.value = "2"
        session.flush()
        cache.put(session, "b", "2", cache.generation())  # written by this transaction: not kept
        assert cache.get(where, "a") == "1"  # dropped only once the write commits
    assert cache.get(where, "a") is None
    assert cache.get(where, "b") is None


def test_a_value_read_before_the_cache_was_dropped_is_not_kept(engine: Engine) -> None:
    cache: static_cache.KeyedCache[str] = static_cache.KeyedCache("test keyed", (_Setting,), ttl_seconds=60)
    generation = cache.generation()  # a reader starts ...
    with Session(engine) as session, session.begin():  # ... a writer commits meanwhile ...
        setting = session.get(_Setting, "a")
        assert setting is not None
        setting.value = "3"
    with Session(engine) as session:
        cache.put(session, "a", "1", generation)  # ... and what the reader saw is stale
    assert cache.get(str(engine.url), "a") is None


def test_keyed_values_expire_and_are_off_unless_enabled(engine: Engine) -> None:
    cache: static_cache.KeyedCache[str] = static_cache.KeyedCache("test keyed", (_Setting,), ttl_seconds=0.0)
    with Session(engine) as session:
        cache.put(session, "a", "1", cache.generation())
    assert cache.get(str(engine.url), "a") is None  # its time is up at once
    cache.ttl_seconds = 60
    static_cache.enable(False)
    with Session(engine) as session:
        cache.put(session, "a", "1", cache.generation())
    assert cache.get(str(engine.url), "a") is None
