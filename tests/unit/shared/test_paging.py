"""Keyset cursors: opaque, round-tripping, and refused when tampered with."""

from __future__ import annotations

import datetime as dt

import pytest
import sqlalchemy

from borderlink.errors import InvalidInput
from borderlink.shared import paging
from borderlink.shared.paging import Cursor, clamp_limit

MOMENT = dt.datetime(2026, 11, 2, 3, 0, 0, 123456, tzinfo=dt.UTC)


def test_a_cursor_round_trips_times_ids_and_direction() -> None:
    cursor = Cursor((MOMENT, 42, "abc"), backward=True)
    text = cursor.encode()
    for unsafe in "=/+":  # safe in a query string as is
        assert unsafe not in text
    assert Cursor.decode(text, 3) == cursor


@pytest.mark.parametrize("garbage", ["", "not-a-cursor", "eyJ2IjpbXX0", "e30", "eyJ2IjpbeyJ0IjoiMjAyNi0xMS0wMiJ9XX0"])
def test_a_malformed_cursor_is_bad_input(garbage: str) -> None:
    with pytest.raises(InvalidInput):
        Cursor.decode(garbage, 1)


def test_a_cursor_of_another_list_shape_is_refused() -> None:
    with pytest.raises(InvalidInput):
        Cursor.decode(Cursor((MOMENT, 1)).encode(), 3)


def test_limits_are_kept_in_bounds() -> None:
    assert clamp_limit(None) == 50
    assert clamp_limit(0) == 1
    assert clamp_limit(10_000) == 1000
    assert clamp_limit(20) == 20


def test_search_text_is_folded_so_either_spelling_finds_it() -> None:
    assert paging.fold_for_search("Đồng Đăng – Lạng Sơn") == "dong dang – lang son"
    words = paging.contains_words(sqlalchemy.column("search_text"), "  Lạng   SƠN ")
    assert [str(w.compile(compile_kwargs={"literal_binds": True})) for w in words] == [
        "search_text LIKE '%' || 'lang' || '%' ESCAPE '/'", "search_text LIKE '%' || 'son' || '%' ESCAPE '/'"]
