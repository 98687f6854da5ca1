"""Periodic background jobs of a serving node, safe with several node processes on one database.

A job is a function run now and again in a worker thread (never on the event loop). Each run does
its work in one transaction (`Node.run`: a lost deadlock is retried once), and a run that fails
as a whole is logged, counted in `/metrics` (`job_run_failures`) and tried again at the next
interval: one bad pass never ends a job for good. A job may also be woken early (the dispatcher is
woken when an envelope is committed).

Jobs that work through rows (overdue requests, pending envelopes) claim them with `claim(...)`:
on PostgreSQL `FOR UPDATE SKIP LOCKED`, so two processes running the same job take disjoint rows
and neither waits for the other; on SQLite a transaction holds the database's write lock from its
start (`BEGIN IMMEDIATE`), so reading the rows and changing them is one atomic compare-and-set
that no other process can interleave. Each claimed row is then worked on in a savepoint by
`each_row(...)`: a row that raises is rolled back alone, logged, counted (`job_row_failures`) and
skipped, and the other rows of the run still commit.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy import Select
from sqlalchemy.orm import Session

from borderlink.node import Node
from borderlink.shared import counters

log = logging.getLogger("borderlink.shared.jobs")
R = TypeVar("R")
SelectT = TypeVar("SelectT", bound=Select[Any])


@dataclasses.dataclass
class Job:
    """`run(node)` does one pass and returns how long to wait before the next (None: `interval`)."""

    name: str
    run: Callable[[Node], float | None]
    interval: float
    wake: asyncio.Event | None = None  # set it to start the next pass at once
    # Woken while idle, the pass waits this long first, so that what is committed within it is done
    # together. Woken during a pass, the next starts at once: its work has waited that pass already.
    gather: float = 0.0


@dataclasses.dataclass(frozen=True, slots=True)
class RowOutcome:
    done: int
    failed: int


def claim(session: Session, statement: SelectT, of: Any = None) -> SelectT:
    """The statement, made to claim its rows for this transaction (see the module's docstring).
    `of` names the table (or entity) whose rows are claimed, when the statement joins others."""
    if session.get_bind().dialect.name == "postgresql":
        return statement.with_for_update(skip_locked=True, of=of)
    return statement


def each_row(session: Session, job: str, rows: Iterable[R], work: Callable[[Session, R], bool],
             describe: Callable[[R], str] = repr) -> RowOutcome:
    """`work(session, row)` for every row, each in a savepoint; returns how many did something
    (work returned True) and how many failed. A failed row is rolled back, logged and counted."""
    done = failed = 0
    for row in rows:
        name = describe(row)
        try:
            with session.begin_nested():
                if work(session, row):
                    done += 1
        except Exception as exc:
            failed += 1
            log.exception("%s failed on %s; skipped, the other rows go on", job, name)
            counters.add(session, counters.JOB_ROW_FAILURES, job, f"{name}: {type(exc).__name__}: {exc}")
    return RowOutcome(done, failed)


async def run_periodically(node: Node, job: Job) -> None:
    """The job's loop: one pass, then wait (or be woken); until cancelled."""
    woken = False
    while True:
        if woken and job.gather > 0:
            await asyncio.sleep(job.gather)
        if job.wake is not None:
            job.wake.clear()
        try:
            wait = await asyncio.to_thread(job.run, node)
        except Exception as exc:
            log.exception("%s failed; trying again in %.1f s", job.name, job.interval)
            await asyncio.to_thread(counters.add_now, node.session_factory, counters.JOB_RUN_FAILURES, job.name,
                                    f"{type(exc).__name__}: {exc}")
            wait = job.interval
        delay = job.interval if wait is None else wait
        woken = False
        if delay <= 0:
            await asyncio.sleep(0)  # let the loop breathe between back-to-back passes
        elif job.wake is None:
            await asyncio.sleep(delay)
        else:
            busy = job.wake.is_set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(job.wake.wait(), delay)
                woken = not busy
