"""A list's filters as SQL conditions, the same way in every domain: a filter left empty, or given a
value that is not one of its codes, filters nothing (a hand-edited query string shows the whole
list rather than an error page).
"""

from __future__ import annotations

import enum
from typing import Any

from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql import ColumnElement

from borderlink.shared import namesearch


def code(column: InstrumentedAttribute[Any], codes: type[enum.StrEnum],
         value: str | None) -> ColumnElement[bool] | None:
    """The column holds the code `value` names."""
    return column == codes(value) if value in set(codes) else None


def prefix(column: InstrumentedAttribute[str], value: str | None) -> ColumnElement[bool] | None:
    """The column starts with `value` (as typed, spaces trimmed; `%` and `_` match themselves)."""
    return column.startswith(value.strip(), autoescape=True) if value and value.strip() else None


def words(object_type: str, id_column: InstrumentedAttribute[str], value: str | None,
          text_column: InstrumentedAttribute[str] | None = None) -> ColumnElement[bool] | None:
    """The object's names or text match what was typed (the shared name search)."""
    return namesearch.matches(object_type, id_column, value, text_column) if value else None


def yes_no(condition: ColumnElement[bool], value: bool | None) -> ColumnElement[bool] | None:
    """The condition holds (True), does not (False), or either (None)."""
    return None if value is None else condition if value else ~condition


def all_of(*conditions: ColumnElement[bool] | None) -> list[ColumnElement[bool]]:
    return [condition for condition in conditions if condition is not None]
