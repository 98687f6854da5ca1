"""The message log: append-only and hash-chained, one line per envelope sent, received or receipted.

Each line's hash covers the previous line's hash, so editing, inserting or deleting a line breaks
every hash after it. The two nodes countersign each other's log head (see `anchors`), so a node
cannot rewrite its own history and recompute the chain without the other side noticing.
Lines are chained on when their transaction commits (see `shared.commit_chains`), so the head row
is locked only for that moment.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any, cast

from sqlalchemy import Table, bindparam, select, update
from sqlalchemy.orm import Session

from borderlink.exchange.canonical import sha256_hex
from borderlink.exchange.context import insert_ignoring_conflicts
from borderlink.exchange.envelope import format_time
from borderlink.exchange.models import LogEntry, LogHead
from borderlink.shared import commit_chains

GENESIS = "0" * 64
CHAIN = "message_log"


@dataclasses.dataclass(frozen=True, slots=True)
class LogLine:
    direction: str  # sent, received, receipt
    peer_party: str
    envelope_id: str
    kind: str
    content_hash: str


@dataclasses.dataclass(frozen=True, slots=True)
class LogProblem:
    seq: int | None
    message: str


def entry_hash(fields: dict[str, Any]) -> str:
    # Plain SHA-256 (no node secret), so the peer holding an anchor can check a head on its own.
    material = "\n".join([
        str(fields["seq"]), format_time(fields["at"]), fields["direction"], fields["peer_party"],
        fields["envelope_id"], fields["kind"], fields["content_hash"], fields["prev_hash"],
    ])
    return sha256_hex(material.encode("utf-8"))


LOG = cast(Table, LogEntry.__table__)
HEAD = cast(Table, LogHead.__table__)
# A no-op write that returns the tip: it takes the row lock (PostgreSQL) or the write lock (SQLite)
# before the tip is read, so two writers can never chain onto the same tip.
_LOCK_HEAD = (update(HEAD).where(HEAD.c.id == 1).values(last_seq=HEAD.c.last_seq)
              .returning(HEAD.c.last_seq, HEAD.c.last_hash))
_SET_HEAD = update(HEAD).where(HEAD.c.id == 1).values(last_seq=bindparam("new_seq"), last_hash=bindparam("new_hash"))


def _lock_head(session: Session) -> tuple[int, str]:
    connection = session.connection()
    row = connection.execute(_LOCK_HEAD).one_or_none()
    if row is None:
        insert_ignoring_conflicts(session, HEAD, {"id": 1, "last_seq": 0, "last_hash": GENESIS})
        row = connection.execute(_LOCK_HEAD).one()
    return int(row.last_seq), str(row.last_hash)


def append(session: Session, lines: Iterable[LogLine], at: dt.datetime) -> int:
    """Queue lines in the caller's transaction; they are chained on when it commits."""
    at = at.replace(microsecond=at.microsecond // 1000 * 1000)  # the precision format_time keeps
    pending = [(line, at) for line in lines]
    if pending:
        commit_chains.collect(session, CHAIN, pending)
    return len(pending)


def _chain_on(session: Session, pending: list[tuple[LogLine, dt.datetime]]) -> None:
    def link(seq: int, prev: str) -> tuple[list[dict[str, Any]], int, str]:
        rows = []
        for line, at in pending:
            seq += 1
            fields: dict[str, Any] = {
                "seq": seq, "at": at, "direction": line.direction, "peer_party": line.peer_party,
                "envelope_id": line.envelope_id, "kind": line.kind, "content_hash": line.content_hash,
                "prev_hash": prev,
            }
            fields["entry_hash"] = prev = entry_hash(fields)
            rows.append(fields)
        return rows, seq, prev

    commit_chains.append_linked(session, LOG, HEAD, _lock_head, _SET_HEAD, link)


commit_chains.register(commit_chains.Chain(commit_chains.MESSAGE_LOG_RANK, CHAIN, _chain_on))


def head(session: Session) -> tuple[int, str]:
    row = session.execute(select(LogHead.last_seq, LogHead.last_hash).where(LogHead.id == 1)).one_or_none()
    if row is None:
        return 0, GENESIS
    return int(row.last_seq), str(row.last_hash)


def hash_at(session: Session, seq: int) -> str | None:
    if seq == 0:
        return GENESIS
    value = session.scalar(select(LogEntry.entry_hash).where(LogEntry.seq == seq))
    return None if value is None else str(value)


def verify_chain(session: Session) -> tuple[int, list[LogProblem]]:
    """Walk the log; report each line that was edited, inserted or deleted, by its number.

    A running node keeps appending meanwhile, and on PostgreSQL each statement sees what was
    committed when it began: the head is read before the lines (every line up to it must be
    there and end in it) and again after them (lines past the first head must have been chained
    on since, not inserted beside the chain)."""
    problems: list[LogProblem] = []
    start_seq, start_hash = head(session)
    expected_seq, prev, count = 1, GENESIS, 0
    hash_at_start = GENESIS if start_seq == 0 else None
    columns = list(LogEntry.__table__.columns)
    for row in session.execute(select(*columns).order_by(LogEntry.seq)).yield_per(5000):
        count += 1
        fields = row._asdict()
        if fields["seq"] != expected_seq:
            problems.append(LogProblem(expected_seq, f"line {expected_seq} missing (next is {fields['seq']})"))
        if entry_hash(fields) != fields["entry_hash"]:
            problems.append(LogProblem(fields["seq"], f"line {fields['seq']} does not match its hash (edited)"))
        elif fields["prev_hash"] != prev:
            problems.append(LogProblem(fields["seq"], f"line {fields['seq']} does not follow the line before it"))
        prev = fields["entry_hash"]
        if fields["seq"] == start_seq:
            hash_at_start = prev
        expected_seq = fields["seq"] + 1
    last_line = expected_seq - 1
    if last_line > start_seq:
        end_seq, end_hash = head(session)
        if hash_at_start != start_hash:
            problems.append(LogProblem(start_seq, f"line {start_seq} does not match the recorded head"))
        if end_seq < last_line:
            problems.append(LogProblem(end_seq, f"the recorded head is line {end_seq} but the log ends at "
                                                f"line {last_line}"))
        elif end_seq == last_line and end_hash != prev:
            problems.append(LogProblem(end_seq, "the log's last line does not match the recorded head"))
    elif last_line < start_seq:
        problems.append(LogProblem(start_seq, f"the recorded head is line {start_seq} but the log ends at "
                                              f"line {last_line}"))
    elif hash_at_start != start_hash:
        problems.append(LogProblem(start_seq, "the log's last line does not match the recorded head"))
    return count, problems
