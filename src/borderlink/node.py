"""A running node's shared context: settings, database, clock and the background work it runs."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

from borderlink.audit.service import (
    ACTOR_INFO,
    AUDIT_KEY_INFO,
    CLOCK_INFO,
    SYSTEM,
    Actor,
    derive_audit_key,
    install_audit_hook,
)
from borderlink.clock import Clock, SystemClock
from borderlink.config import NodeSettings
from borderlink.db import make_engine, transaction
from borderlink.shared.retry import retry_once

BackgroundTask = Callable[["Node"], Awaitable[None]]
T = TypeVar("T")


@dataclasses.dataclass
class Node:
    settings: NodeSettings
    engine: Engine
    session_factory: sessionmaker[Session]
    clock: Clock
    background_tasks: list[BackgroundTask] = dataclasses.field(default_factory=list)
    # Set once the domains have added their background work (see borderlink.domains.setup).
    serving_set_up: bool = False

    @property
    def party(self) -> str:
        return self.settings.party

    @contextmanager
    def transaction(self, actor: Actor = SYSTEM, *, read_only: bool = False) -> Iterator[Session]:
        with transaction(self.session_factory, read_only=read_only, **{ACTOR_INFO: actor}) as session:
            yield session

    def run(self, work: Callable[[Session], T], actor: Actor = SYSTEM, what: str = "a transaction") -> T:
        """`work(session)` in one transaction, run once more if it lost a deadlock (see
        `shared.retry`); use it where the work can simply be done again."""

        def attempt() -> T:
            with self.transaction(actor) as session:
                return work(session)

        return retry_once(self.session_factory, what, attempt)


def session_factory_for(engine: Engine, settings: NodeSettings, clock: Clock) -> sessionmaker[Session]:
    install_audit_hook()
    return sessionmaker(
        bind=engine,
        expire_on_commit=False,
        info={AUDIT_KEY_INFO: derive_audit_key(settings.secret_key), CLOCK_INFO: clock},
    )


def open_node(settings: NodeSettings, clock: Clock | None = None, engine: Engine | None = None) -> Node:
    clock = clock or SystemClock()
    engine = engine or make_engine(settings.effective_database_url)
    return Node(
        settings=settings,
        engine=engine,
        session_factory=session_factory_for(engine, settings, clock),
        clock=clock,
    )
