"""The node's hash chains (message log, audit chain) are appended at commit, in one lock order.

Each chain has one head row that every appender must lock, so appends serialise. Taking a head when
a transaction makes its first line would hold it through the rest of that transaction (handlers,
flushes, for the dispatcher even the network round trip), and transactions that took the two heads
in different orders deadlocked. Here lines are only collected while a transaction runs; just before
it commits, the chains are appended in ascending `rank` (message log, then audit). A head is held
for the insert and the commit alone, and no two transactions can wait on each other's heads.

Lines collected inside a savepoint that rolls back are dropped with it, like the rows they record.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import Table, bindparam, event, insert, text, update
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.sql.dml import Update

MESSAGE_LOG_RANK = 10
AUDIT_RANK = 20

_PENDING = "commit_chains_pending"
_MARKS = "commit_chains_savepoints"



@dataclasses.dataclass(frozen=True, slots=True)
class Chain:
    rank: int
    name: str
    write: Callable[[Session, list[Any]], None]  # appends the collected items, in order


_chains: dict[str, Chain] = {}


def register(chain: Chain) -> None:
    _chains[chain.name] = chain
    install()


def collect(session: Session, chain: str, items: list[Any]) -> None:
    """Queue `items` for `chain`; they are written when the session's transaction commits."""
    if chain not in _chains:
        raise RuntimeError(f"no commit chain named {chain!r}")
    pending: dict[str, list[Any]] = session.info.setdefault(_PENDING, {})
    pending.setdefault(chain, []).extend(items)


def pending_count(session: Session, chain: str) -> int:
    pending: dict[str, list[Any]] = session.info.get(_PENDING) or {}
    return len(pending.get(chain, ()))


Link = Callable[[int, str], tuple[list[dict[str, Any]], int, str]]


def append_linked(session: Session, table: Table, head: Table, lock_head: Callable[[Session], tuple[int, str]],
                  set_head: Update, link: Link) -> None:
    """Chain a commit's lines on the head and move it. `link(seq, hash)` returns the lines chained
    on that tip and the new tip; `lock_head` locks the head row and reads it.

    The tip this process last wrote is tried first. On PostgreSQL that is one statement that moves
    the head only if it is still that tip and inserts the lines only if it moved; that is the usual
    case on a node with one process, and the head is then locked for one round trip and the commit
    instead of three. On SQLite it is a conditional move of the head, then the insert. When another
    process (or a transaction that rolled back) moved it meanwhile, nothing was written and the
    head is locked and read as before. The same lines and hashes are written either way: only the
    number of statements differs."""
    postgres = session.get_bind().dialect.name == "postgresql"
    key = (str(session.get_bind().engine.url), head.name)
    with _TIPS_LOCK:
        tip = _TIPS.get(key)
    if tip is not None:
        rows, seq, last = link(*tip)
        values = {"tip_seq": tip[0], "tip_hash": tip[1], "new_seq": seq, "new_hash": last}
        connection = session.connection()
        if postgres:
            written = connection.execute(_conditional_append(table, head), {
                **values, "lines": json.dumps(rows, default=_json_value)}).rowcount
            moved = written == len(rows)
        else:
            # SQLite: the write lock is held from the transaction's start, so moving the head
            # first and inserting after is as safe; two statements instead of three.
            moved = connection.execute(_conditional_move(head), values).rowcount == 1
            if moved:
                connection.execute(_insert_statement(table), rows)
        if moved:
            _remember(key, seq, last)
            return
    rows, seq, last = link(*lock_head(session))
    insert_lines(session, table, rows, set_head, {"new_seq": seq, "new_hash": last})
    _remember(key, seq, last)


# The tip each chain was last moved to by this process, per database. It may name a tip whose
# transaction then rolled back: the conditional append then writes nothing and the head is read.
_TIPS: dict[tuple[str, str], tuple[int, str]] = {}
_TIPS_LOCK = threading.Lock()


def _remember(key: tuple[str, str], seq: int, last_hash: str) -> None:
    with _TIPS_LOCK:
        _TIPS[key] = (seq, last_hash)


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    raise TypeError(f"a chain line holds a {type(value).__name__}")


_CONDITIONAL: dict[str, Any] = {}


def _conditional_append(table: Table, head: Table) -> Any:
    """One statement built once per table: move the head from the expected tip, and insert the
    lines (a JSON array of rows) only if it moved."""
    statement = _CONDITIONAL.get(table.name)
    if statement is None:
        from sqlalchemy.dialects import postgresql

        dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
        columns = [column.name for column in table.columns]
        types = ", ".join(f'"{column.name}" {column.type.compile(dialect=dialect)}' for column in table.columns)
        names = ", ".join(f'"{name}"' for name in columns)
        sql = (  # the names are our own tables' and columns'; the values are bound
            f"WITH moved AS (UPDATE {head.name} SET last_seq = :new_seq, last_hash = :new_hash "  # noqa: S608
            f"WHERE id = 1 AND last_seq = :tip_seq AND last_hash = :tip_hash RETURNING 1) "
            f"INSERT INTO {table.name} ({names}) SELECT {names} FROM "
            f"jsonb_to_recordset(CAST(:lines AS jsonb)) AS lines({types}) WHERE EXISTS (SELECT 1 FROM moved)")
        statement = _CONDITIONAL[table.name] = text(sql)
    return statement


def insert_lines(session: Session, table: Table, rows: list[dict[str, Any]], set_head: Update,
                 head_values: dict[str, Any]) -> None:
    """Insert a chain's new lines (one executemany of a statement built once per table) and move
    its head. Folding the lines into the head's UPDATE as one multi-row statement saved a round
    trip but cost more: SQLAlchemy builds and keys a new statement for every number of lines."""
    connection = session.connection()
    connection.execute(_insert_statement(table), rows)
    connection.execute(set_head, head_values)


_INSERTS: dict[str, Any] = {}


def _insert_statement(table: Table) -> Any:
    statement = _INSERTS.get(table.name)
    if statement is None:
        statement = _INSERTS[table.name] = insert(table)
    return statement


_MOVES: dict[str, Any] = {}


def _conditional_move(head: Table) -> Any:
    """Move the head from the expected tip (no row changes when another writer moved it since)."""
    statement = _MOVES.get(head.name)
    if statement is None:
        statement = _MOVES[head.name] = (
            update(head).where(head.c.id == 1, head.c.last_seq == bindparam("tip_seq"),
                               head.c.last_hash == bindparam("tip_hash"))
            .values(last_seq=bindparam("new_seq"), last_hash=bindparam("new_hash")))
    return statement


def write_now(session: Session) -> None:
    """Append everything collected so far, in rank order (the heads stay locked until commit)."""
    session.flush()  # the flush's own audit lines are collected here
    pending: dict[str, list[Any]] = session.info.pop(_PENDING, None) or {}
    for chain in sorted(_chains.values(), key=lambda c: c.rank):
        items = pending.get(chain.name)
        if items:
            chain.write(session, items)


def _before_commit(session: Session) -> None:
    # Releasing a savepoint is not the end of the transaction; only the outermost commit appends.
    if session.in_nested_transaction():
        return
    write_now(session)


def _savepoint_started(session: Session, transaction: SessionTransaction) -> None:
    if transaction.nested:
        pending: dict[str, list[Any]] = session.info.get(_PENDING) or {}
        marks: dict[int, dict[str, int]] = session.info.setdefault(_MARKS, {})
        marks[id(transaction)] = {name: len(items) for name, items in pending.items()}


def _rolled_back(session: Session, previous: SessionTransaction) -> None:
    if previous.nested:
        mark = (session.info.get(_MARKS) or {}).pop(id(previous), None)
        if mark is None:
            return
        pending: dict[str, list[Any]] = session.info.get(_PENDING) or {}
        for name, items in pending.items():
            del items[mark.get(name, 0):]
    elif previous.parent is None:
        session.info.pop(_PENDING, None)
        session.info.pop(_MARKS, None)


def _transaction_ended(session: Session, transaction: SessionTransaction) -> None:
    # A savepoint's mark stays until the transaction ends: this event comes before the rollback
    # event that needs it (and a later savepoint reusing the id replaces it at its start).
    if transaction.parent is None and not transaction.nested:
        session.info.pop(_PENDING, None)
        session.info.pop(_MARKS, None)


def install() -> None:
    """Idempotent; every Session appends its collected lines at commit."""
    for name, handler in (("before_commit", _before_commit), ("after_transaction_create", _savepoint_started),
                          ("after_soft_rollback", _rolled_back), ("after_transaction_end", _transaction_ended)):
        if not event.contains(Session, name, handler):
            event.listen(Session, name, handler)
