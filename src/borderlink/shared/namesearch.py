"""Person names found across scripts by every list search: "WANG XIAOHONG" finds an item naming
王晓红 or Vương Hiểu Hồng.

An object type whose records carry person names declares a `NamedRecord` in its domain's
descriptor (`Domain.named_records`). Whenever such a record is written through the ORM (created
here, replicated from the other node, changed or purged) the matcher's blocking keys of its names
are written to one indexed table in the same flush: (object type, object id, key), plus the record
the keys came from, so a case's persons keep their keys apart. A list then ANDs
`matches(...)` into its own scoped query: one clause, answered by index lookups.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy import Boolean, Index, Select, String, and_, delete, event, insert, or_, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Connection
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import InstrumentedAttribute, Mapped, Session, UOWTransaction, mapped_column
from sqlalchemy.sql import ColumnElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.visitors import InternalTraversal

from borderlink.db import Base
from borderlink.matching.keys import entry_keys, query_keys
from borderlink.matching.render import name_forms
from borderlink.shared.paging import fold_for_search

MAX_KEY_LENGTH = 255
# A query's text is read as one name; a longer text is no name.
MAX_QUERY_LENGTH = 200
_BACKFILL_BATCH = 1000


class NameKey(Base):
    """A blocking key of a person name carried by an object (directly or by one of its parts)."""

    __tablename__ = "name_search_keys"

    # Lookups read (object type, key) -> object ids from the primary key alone.
    object_type: Mapped[str] = mapped_column(String(40), primary_key=True)
    key: Mapped[str] = mapped_column(String(MAX_KEY_LENGTH), primary_key=True)
    object_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    # The row the names came from: the object itself, or e.g. one person of a case.
    source_id: Mapped[str] = mapped_column(String(36), primary_key=True)

    __table_args__ = (Index("ix_name_search_keys_source", "source_id"),)


@dataclasses.dataclass(frozen=True, slots=True)
class NamedRecord:
    """A model whose rows name persons, and the object (in work feeds and lists) they belong to.

    `names(values)` reads the person names from the row's `fields` (a mapping of field name to
    value, from an ORM instance or a plain row). Rows whose names must stay hidden from the
    object's readers (a protected informant) give no names. `object_id_field` names the field
    holding the owning object's id (the row's own id by default)."""

    model: type[Any]
    object_type: str
    fields: tuple[str, ...]
    names: Callable[[Mapping[str, Any]], Iterable[str]]
    object_id_field: str = "id"

    def __post_init__(self) -> None:
        install()


def name_keys(names: Iterable[str]) -> set[str]:
    """The keys under which these names are filed: every rendering and its cross-script readings."""
    keys: set[str] = set()
    for name in names:
        if name and name.strip():
            keys |= {k for k in entry_keys(name_forms(name.strip())) if len(k) <= MAX_KEY_LENGTH}
    return keys


def query_name_keys(query: str) -> list[str]:
    """The keys a free-text query looks up, read as one person name."""
    text = query.strip()
    if not text or len(text) > MAX_QUERY_LENGTH:
        return []
    return [k for k in query_keys(name_forms(text)) if len(k) <= MAX_KEY_LENGTH]


def matches(object_type: str, id_column: InstrumentedAttribute[str], query: str,
            text_column: InstrumentedAttribute[str] | None = None) -> ColumnElement[bool]:
    """SQL: the object names a person the query names in any script, or (given its folded
    `text_column`) its text contains every word of the query.

    The named objects' ids are looked up first, once per query, in the keys' primary key; the
    list then takes them as a list of ids. So either part can be answered by an index (the ids'
    and, on PostgreSQL, the text's trigram index, combined) or checked row by row while the list
    walks its own order, whichever the database finds cheaper for the words asked."""
    named = _IdIn(id_column, select(NameKey.object_id).where(
        NameKey.object_type == object_type, NameKey.key.in_(query_name_keys(query))))
    words = fold_for_search(query).split()
    if text_column is None or not words:
        return named
    return or_(and_(*[text_column.contains(word, autoescape=True) for word in words]), named)


class _IdIn(ColumnElement[bool]):
    """`column IN (subquery)`; on PostgreSQL `column = ANY(ARRAY(subquery))`, whose ids are read
    once before the list's rows (an init plan) and so may be looked up in the column's index and
    combined with other indexes under OR, where an IN-subquery could only be checked row by row."""

    inherit_cache = True
    type = Boolean()
    # Both parts belong in the statement's cache key, their bound values too.
    _traverse_internals = [  # noqa: RUF012 (SQLAlchemy declares it so)
        ("column", InternalTraversal.dp_clauseelement), ("ids", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: InstrumentedAttribute[str], ids: Select[Any]) -> None:
        self.column = column.expression
        self.ids = ids

    @property
    def _from_objects(self) -> list[Any]:
        return list(self.column._from_objects)


@compiles(_IdIn)
def _id_in(element: _IdIn, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{compiler.process(element.column, **kw)} IN ({compiler.process(element.ids, **kw)})"


@compiles(_IdIn, "postgresql")
def _id_in_array(element: _IdIn, compiler: SQLCompiler, **kw: Any) -> str:
    return f"{compiler.process(element.column, **kw)} = ANY(ARRAY({compiler.process(element.ids, **kw)}))"


# --- keeping the keys up to date ----------------------------------------------------------------

@functools.cache
def _records_by_model() -> dict[type[Any], tuple[NamedRecord, ...]]:
    """Each model's records: one model may file its rows' names under several object types (a
    case's persons for the cases list, its victims for the protection check)."""
    from borderlink import domains  # the domains import this module through their descriptors

    found: dict[type[Any], list[NamedRecord]] = {}
    for domain in domains.DOMAINS:
        for record in domain.named_records:
            found.setdefault(record.model, []).append(record)
    return {model: tuple(records) for model, records in found.items()}


def _values(instance: Any, record: NamedRecord) -> dict[str, Any]:
    return {field: getattr(instance, field) for field in record.fields}


def _rows(record: NamedRecord, source_id: str, object_id: str, values: Mapping[str, Any]) -> Iterator[dict[str, str]]:
    for key in sorted(name_keys(record.names(values))):
        yield {"object_type": record.object_type, "key": key, "object_id": object_id, "source_id": source_id}


def _names_changed(instance: Any, record: NamedRecord) -> bool:
    attributes = sa_inspect(instance).attrs
    return any(attributes[field].history.has_changes() for field in (*record.fields, record.object_id_field))


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    records = _records_by_model()
    if not records:
        return
    stale: list[str] = []
    rows: list[dict[str, str]] = []
    for instance in session.new:
        for record in records.get(type(instance), ()):
            rows.extend(_rows(record, instance.id, getattr(instance, record.object_id_field),
                              _values(instance, record)))
    for instance in session.dirty:
        held = records.get(type(instance), ())
        # The row's keys go by its id whatever their object type, so all of them are filed again.
        if any(_names_changed(instance, record) for record in held):
            stale.append(instance.id)
            for record in held:
                rows.extend(_rows(record, instance.id, getattr(instance, record.object_id_field),
                                  _values(instance, record)))
    for instance in session.deleted:
        if type(instance) in records:
            stale.append(instance.id)
    if stale or rows:
        _write(session.connection(), stale, rows)


def _write(connection: Connection, stale: Sequence[str], rows: Sequence[dict[str, str]]) -> None:
    if stale:
        connection.execute(delete(NameKey).where(NameKey.source_id.in_(stale)))
    if rows:
        connection.execute(insert(NameKey), list(rows))


def install() -> None:
    """Keep every declared record's keys up to date on each flush of any Session. Idempotent."""
    if not event.contains(Session, "after_flush", _after_flush):
        event.listen(Session, "after_flush", _after_flush)


def rebuild(connection: Connection, object_types: Collection[str] | None = None) -> int:
    """File the names of every declared record (or of those of `object_types`) again (a new
    node, or keys from before the table or the object type existed); returns the number of keys
    written."""
    written = 0
    for record in (record for held in _records_by_model().values() for record in held):
        if object_types is not None and record.object_type not in object_types:
            continue
        table = record.model.__table__
        if not sa_inspect(connection).has_table(table.name):
            continue  # made by a later migration, with no rows yet
        connection.execute(delete(NameKey).where(NameKey.object_type == record.object_type,
                                                 NameKey.source_id.in_(select(table.c.id))))
        columns = [table.c.id, table.c[record.object_id_field].label("_object_id"),
                   *(table.c[field] for field in record.fields)]
        batch: list[dict[str, str]] = []
        for row in connection.execute(select(*columns)).mappings():
            batch.extend(_rows(record, row["id"], row["_object_id"], dict(row)))
            if len(batch) >= _BACKFILL_BATCH:
                _write(connection, (), batch)
                written += len(batch)
                batch = []
        _write(connection, (), batch)
        written += len(batch)
    return written
