"""Shapes filled from rows: same-named attributes are taken, given values win, the rest is left out."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum

import pytest
from pydantic import BaseModel, ValidationError

from borderlink.shared.shapes import same_named, shaped


class _Colour(enum.StrEnum):
    RED = "red"


@dataclasses.dataclass
class _Row:
    id: str
    colour: _Colour
    made_at: dt.datetime
    secret: str


class _Out(BaseModel):
    id: str
    colour: str
    made_at: dt.datetime
    owner_code: str


_ROW = _Row("r1", _Colour.RED, dt.datetime(2026, 1, 2, 3, 4), "not shown")


def test_same_named_attributes_are_taken_and_given_values_win() -> None:
    out = shaped(_Out, _ROW, owner_code="VN-1")
    assert out.model_dump() == {"id": "r1", "colour": "red", "made_at": dt.datetime(2026, 1, 2, 3, 4),
                                "owner_code": "VN-1"}
    assert same_named(_Out, _ROW, id="other") == {"id": "other", "colour": _Colour.RED,
                                                  "made_at": dt.datetime(2026, 1, 2, 3, 4)}


def test_a_field_neither_on_the_row_nor_given_is_missing() -> None:
    with pytest.raises(ValidationError) as missing:
        shaped(_Out, _ROW)
    assert [error["loc"] for error in missing.value.errors()] == [("owner_code",)]
