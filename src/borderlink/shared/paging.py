"""Keyset pagination shared by every list, in the API and on the pages.

A list is sorted on a few columns that together are unique (e.g. last change, then id). A page is
fetched with `WHERE (sort columns) < (values of the last row shown) ... LIMIT n + 1`, so the
database walks an index and stops, however long the list: no OFFSET, no counting of what came
before. The position travels as an opaque `cursor` (URL-safe text); `next_cursor` in the answer
leads on, `prev_cursor` leads back.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt
import json
import unicodedata
from collections.abc import Sequence
from typing import Any, Generic, TypeVar

from sqlalchemy import Index, bindparam, tuple_
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql import ColumnElement, Select

from borderlink.errors import InvalidInput

T = TypeVar("T")
DEFAULT_LIMIT = 50
MAX_LIMIT = 1000


@dataclasses.dataclass(frozen=True)
class Cursor:
    """Where a page starts: just past `values` (a row's sort key), going forward or back."""

    values: tuple[Any, ...]
    backward: bool = False

    def encode(self) -> str:
        raw = json.dumps({"v": [_dump(v) for v in self.values], "b": self.backward}, separators=(",", ":"))
        return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str, width: int) -> Cursor:
        """Read a cursor given back by a client; anything malformed is refused as bad input."""
        try:
            raw = json.loads(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
            values = tuple(_load(v) for v in raw["v"])
            backward = bool(raw.get("b", False))
        except (ValueError, KeyError, TypeError, binascii.Error) as exc:
            raise InvalidInput("the cursor is not one this list gave out") from exc
        if len(values) != width:
            raise InvalidInput("the cursor is not one this list gave out")
        return cls(values, backward)


def _dump(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return {"t": value.isoformat()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise TypeError(f"cannot put {type(value).__name__} in a cursor")


def _load(value: Any) -> Any:
    if isinstance(value, dict):
        moment = dt.datetime.fromisoformat(value["t"])
        if moment.tzinfo is None:
            raise ValueError("naive time in cursor")
        return moment
    if value is None or isinstance(value, str | int | float | bool):
        return value
    raise ValueError("unexpected value in cursor")


@dataclasses.dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    next_cursor: str | None
    prev_cursor: str | None


@dataclasses.dataclass(frozen=True)
class SortKey:
    """Sort columns that are unique together, all in one direction (newest first by default)."""

    columns: tuple[ColumnElement[Any], ...]
    descending: bool = True

    def _after(self, values: tuple[Any, ...], forward: bool) -> ColumnElement[bool]:
        bound = tuple_(*[bindparam(None, v, type_=c.type) for c, v in zip(self.columns, values, strict=True)])
        here = tuple_(*self.columns)
        return here < bound if self.descending == forward else here > bound

    def _order(self, forward: bool) -> list[ColumnElement[Any]]:
        down = self.descending == forward
        return [c.desc() if down else c.asc() for c in self.columns]


def clamp_limit(limit: int | None, default: int = DEFAULT_LIMIT) -> int:
    if limit is None:
        return default
    return max(1, min(int(limit), MAX_LIMIT))


def fetch_page(session: Any, query: Select[Any], key: SortKey, limit: int, cursor: str | None,
               key_of: Any = None) -> Page[Any]:
    """Run `query` (filters applied, no ORDER BY or LIMIT) for one page.

    Rows come back as the query yields them (`session.execute(...).all()` rows, or ORM objects
    when the query selects one entity). `key_of(row)` gives a row's sort-key values; by default
    the row's attributes named like the key's columns.
    """
    position = Cursor.decode(cursor, len(key.columns)) if cursor else None
    forward = position is None or not position.backward
    paged = query.order_by(None).order_by(*key._order(forward)).limit(limit + 1)
    if position is not None:
        paged = paged.where(key._after(position.values, forward))
    single_entity = len(query.column_descriptions) == 1 and query.column_descriptions[0].get("entity") is not None
    rows: list[Any] = list(session.scalars(paged) if single_entity else session.execute(paged).all())
    more = len(rows) > limit
    rows = rows[:limit]
    if not forward:
        rows.reverse()
    read_key = key_of or _attribute_reader(key)
    first = Cursor(tuple(read_key(rows[0])), backward=True).encode() if rows else None
    last = Cursor(tuple(read_key(rows[-1]))).encode() if rows else None
    if forward:
        next_cursor = last if more else None
        prev_cursor = first if position is not None else None
    else:
        next_cursor = last
        prev_cursor = first if more else None
    return Page(rows, next_cursor, prev_cursor)


# --- text search --------------------------------------------------------------------------

def fold_for_search(text: str) -> str:
    """Text as it is stored for search and as a query is compared with it: lower case, without
    diacritics ("Đồng Đăng" and "dong dang" meet)."""
    text = unicodedata.normalize("NFD", text.lower().replace("đ", "d"))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def contains_words(column: ColumnElement[str] | InstrumentedAttribute[str], query: str) -> list[ColumnElement[bool]]:
    """SQL: the folded text column contains every word of the query, anywhere."""
    return [column.contains(word, autoescape=True) for word in fold_for_search(query).split()]


def text_search_index(name: str, column: str) -> Index:
    """An index that answers `contains_words` on PostgreSQL without reading every row: trigrams
    (pg_trgm, created by the migration that adds the first such index). SQLite gets none; it
    reads the rows, which is fine at its sizes."""
    return Index(name, column, postgresql_using="gin", postgresql_ops={column: "gin_trgm_ops"}).ddl_if(
        dialect="postgresql")


def _attribute_reader(key: SortKey) -> Any:
    names = [getattr(c, "key", None) or getattr(c, "name", None) for c in key.columns]

    def read(row: Any) -> Sequence[Any]:
        return [getattr(row, str(name)) for name in names]

    return read
