"""Appending to and verifying the audit chain.

Every flush that writes an audited model records one entry per changed row, in the same
transaction, so a write and its audit record commit or fail together. Entries are chained with an
HMAC keyed by the node's secret: someone with only database access cannot forge a consistent chain.
The entries of a transaction are chained on at its commit (see `shared.commit_chains`): the chain's
head row is locked only for that moment, so unrelated transactions do not queue behind each other.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, cast

from sqlalchemy import Table, bindparam, event, insert, inspect, select, update
from sqlalchemy.orm import Session, UOWTransaction

from borderlink.audit.models import AuditEntry, AuditHead
from borderlink.clock import utc_now
from borderlink.shared import commit_chains

GENESIS = "0" * 64
CHAIN = "audit"
AUDIT_KEY_INFO = "audit_key"
ACTOR_INFO = "actor"
CLOCK_INFO = "clock"


@dataclasses.dataclass(frozen=True, slots=True)
class Actor:
    user_id: str | None
    unit_id: str | None
    label: str


SYSTEM = Actor(None, None, "system")


@dataclasses.dataclass(frozen=True, slots=True)
class ChainProblem:
    seq: int | None
    kind: str
    message: str


def derive_audit_key(node_secret: bytes) -> bytes:
    return hmac.new(node_secret, b"borderlink-audit-chain-v1", hashlib.sha256).digest()


# Most columns hold these already; their exact type is checked first (a flush digests every
# column of every row it writes). Subclasses (string enums) take the checks below.
_JSON_NATIVE = frozenset({str, int, bool, type(None)})


def _plain(value: Any) -> Any:
    if type(value) in _JSON_NATIVE:
        return value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, bytes):
        return value.hex()
    return value


def state_digest(values: dict[str, Any]) -> str:
    canonical = json.dumps({k: _plain(v) for k, v in values.items()}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _entry_material(fields: dict[str, Any]) -> bytes:
    keys = (
        "seq", "at", "actor_user_id", "actor_unit_id", "actor_label", "action", "object_type",
        "object_id", "before_digest", "after_digest", "detail", "prev_hash",
    )
    return json.dumps([_plain(fields[k]) for k in keys], ensure_ascii=False).encode("utf-8")


def entry_hash(key: bytes, fields: dict[str, Any]) -> str:
    return hmac.new(key, _entry_material(fields), hashlib.sha256).hexdigest()


# A no-op write that returns the tip: it takes the row lock on PostgreSQL and the write lock on
# SQLite before the tip is read, so two writers can never chain onto the same tip.
_LOCK_HEAD = (update(AuditHead).where(AuditHead.id == 1).values(last_seq=AuditHead.last_seq)
              .returning(AuditHead.last_seq, AuditHead.last_hash))
_SET_HEAD = update(AuditHead).where(AuditHead.id == 1).values(last_seq=bindparam("new_seq"),
                                                              last_hash=bindparam("new_hash"))


def _lock_head(session: Session) -> tuple[int, str]:
    connection = session.connection()
    row = connection.execute(_LOCK_HEAD).one_or_none()
    if row is None:
        connection.execute(insert(AuditHead).values(id=1, last_seq=0, last_hash=GENESIS))
        return 0, GENESIS
    return int(row.last_seq), str(row.last_hash)


def append(session: Session, records: Iterable[dict[str, Any]]) -> int:
    """Record entries (dicts with action, object_type, object_id, digests, detail); they are chained
    on when the transaction commits, with the actor and time of this moment."""
    key = session.info.get(AUDIT_KEY_INFO)
    if not isinstance(key, bytes):
        raise RuntimeError("session has no audit key; open it through the node's session factory")
    actor = session.info.get(ACTOR_INFO, SYSTEM)
    clock = session.info.get(CLOCK_INFO)
    now = clock.now() if clock is not None else utc_now()
    pending = [{
        "at": now,
        "actor_user_id": actor.user_id,
        "actor_unit_id": actor.unit_id,
        "actor_label": actor.label,
        "action": record["action"],
        "object_type": record["object_type"],
        "object_id": record["object_id"],
        "before_digest": record.get("before_digest"),
        "after_digest": record.get("after_digest"),
        "detail": record.get("detail"),
    } for record in records]
    if pending:
        commit_chains.collect(session, CHAIN, pending)
    return len(pending)


def pending_entries(session: Session) -> int:
    """Entries recorded in this transaction and not yet chained on."""
    return commit_chains.pending_count(session, CHAIN)


def _chain_on(session: Session, pending: list[dict[str, Any]]) -> None:
    key = session.info[AUDIT_KEY_INFO]

    def link(seq: int, prev: str) -> tuple[list[dict[str, Any]], int, str]:
        rows = []
        for fields in pending:
            seq += 1
            fields = {**fields, "seq": seq, "prev_hash": prev}
            fields["entry_hash"] = prev = entry_hash(key, fields)
            rows.append(fields)
        return rows, seq, prev

    commit_chains.append_linked(session, cast(Table, AuditEntry.__table__), cast(Table, AuditHead.__table__),
                                _lock_head, _SET_HEAD, link)


def record_read(session: Session, object_type: str, object_id: str, detail: str | None = None) -> None:
    """Audit a read of a person record; written with the request's transaction."""
    append(session, [{"action": "read", "object_type": object_type, "object_id": object_id, "detail": detail}])


def _is_audited_type(model: type[Any]) -> bool:
    return bool(getattr(model, "__audit__", True))


def _is_audited(instance: object) -> bool:
    return _is_audited_type(type(instance))


def _column_values(instance: object, *, before: bool) -> dict[str, Any]:
    state = inspect(instance)
    # Only attributes changed in this flush carry a history worth building (it is costly, and a
    # flush audits every row it writes); every other attribute reads the same before and after.
    changed = state.committed_state if before else ()
    values: dict[str, Any] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in changed:
            history = state.attrs[key].history
            if history.deleted:
                values[key] = history.deleted[0]
                continue
            if history.added:
                continue
        values[key] = getattr(instance, key)
    return values


def _changed_columns(instance: object) -> str:
    state = inspect(instance)
    columns = {attr.key for attr in state.mapper.column_attrs}
    return ",".join(sorted(key for key in state.committed_state
                           if key in columns and state.attrs[key].history.has_changes()))


def _object_id(instance: object) -> str:
    identity = inspect(instance).identity
    if identity:
        return "/".join(str(part) for part in identity)
    mapper = inspect(instance).mapper
    return "/".join(str(getattr(instance, col.key)) for col in mapper.primary_key)


def _created(object_type: str, object_id: str, values: dict[str, Any]) -> dict[str, Any]:
    return {"action": "create", "object_type": object_type, "object_id": object_id,
            "after_digest": state_digest(values)}


def record_inserted(session: Session, model: type[Any], rows: Sequence[dict[str, Any]]) -> None:
    """Audit rows of `model` that a bulk insert wrote outside the unit of work, with the entries a
    flush inserting them as ORM objects would record. Each row holds every mapped column by its
    attribute key, as written (its primary key included)."""
    if AUDIT_KEY_INFO not in session.info or not _is_audited_type(model):
        return
    mapper = inspect(model)
    keys = [attr.key for attr in mapper.column_attrs]
    primary = [mapper.get_property_by_column(column).key for column in mapper.primary_key]
    object_type = model.__tablename__
    records = []
    for row in rows:
        values = {key: row[key] for key in keys}  # a column left out would change the digest
        records.append(_created(object_type, "/".join(str(row[key]) for key in primary), values))
    append(session, records)


def _changes(session: Session) -> Iterator[dict[str, Any]]:
    for instance in session.new:
        if _is_audited(instance):
            yield _created(type(instance).__tablename__, _object_id(instance),
                           _column_values(instance, before=False))
    for instance in session.dirty:
        if _is_audited(instance) and session.is_modified(instance, include_collections=False):
            yield {
                "action": "update",
                "object_type": type(instance).__tablename__,
                "object_id": _object_id(instance),
                "before_digest": state_digest(_column_values(instance, before=True)),
                "after_digest": state_digest(_column_values(instance, before=False)),
                "detail": _changed_columns(instance),
            }
    for instance in session.deleted:
        if _is_audited(instance):
            yield {
                "action": "delete",
                "object_type": type(instance).__tablename__,
                "object_id": _object_id(instance),
                "before_digest": state_digest(_column_values(instance, before=True)),
            }


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    if AUDIT_KEY_INFO not in session.info:
        return
    append(session, _changes(session))


def install_audit_hook() -> None:
    """Audit every ORM write made through any Session. Idempotent."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)
    commit_chains.register(commit_chains.Chain(commit_chains.AUDIT_RANK, CHAIN, _chain_on))


def verify(session: Session, key: bytes) -> tuple[int, list[ChainProblem]]:
    """Walk the chain; report each edited, deleted or inserted entry by its sequence number."""
    problems: list[ChainProblem] = []
    expected_seq = 1
    prev = GENESIS
    count = 0
    for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.seq)).yield_per(2000):
        count += 1
        fields = {c.key: getattr(entry, c.key) for c in inspect(AuditEntry).column_attrs}
        if entry.seq > expected_seq:
            missing = (
                f"entry {expected_seq}" if entry.seq == expected_seq + 1
                else f"entries {expected_seq}-{entry.seq - 1}"
            )
            problems.append(ChainProblem(expected_seq, "deleted", f"{missing} deleted"))
        elif entry.seq < expected_seq:
            problems.append(ChainProblem(entry.seq, "inserted", f"entry {entry.seq} out of order"))
        if entry_hash(key, fields) != entry.entry_hash:
            problems.append(ChainProblem(
                entry.seq, "edited" if entry.prev_hash == prev else "inserted",
                f"entry {entry.seq} does not match its hash (edited or forged)",
            ))
        elif entry.prev_hash != prev:
            problems.append(ChainProblem(
                entry.seq, "broken", f"entry {entry.seq} does not follow entry {entry.seq - 1}",
            ))
        prev = entry.entry_hash
        expected_seq = entry.seq + 1
    head = session.get(AuditHead, 1)
    last_seq = expected_seq - 1
    if head is not None:
        if head.last_seq > last_seq:
            problems.append(ChainProblem(
                last_seq + 1, "deleted", f"entries {last_seq + 1}-{head.last_seq} deleted from the end",
            ))
        elif head.last_seq < last_seq:
            problems.append(ChainProblem(
                head.last_seq + 1, "inserted", f"entries after {head.last_seq} were added outside the chain",
            ))
        elif head.last_hash != prev:
            problems.append(ChainProblem(
                last_seq, "edited", f"entry {last_seq} does not match the recorded head of the chain",
            ))
    elif count:
        problems.append(ChainProblem(None, "deleted", "the chain head record is missing"))
    return count, problems
