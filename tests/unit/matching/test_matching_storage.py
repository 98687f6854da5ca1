"""Compact storage behind the watchlist index: key rows, text columns and name sets."""

from __future__ import annotations

from array import array

import numpy as np
import pytest

from borderlink.matching.columns import TextColumnBuilder
from borderlink.matching.keys import KeyTable
from borderlink.matching.render import name_forms
from borderlink.matching.stored_names import NameSetsBuilder


def _table(filings: list[tuple[int, int]]) -> KeyTable:
    return KeyTable.build(array("q", [key for key, _ in filings]), array("i", [position for _, position in filings]))


def _wanted(*keys: int) -> np.ndarray:
    return np.array(keys, dtype=np.int64)


def test_key_table_finds_each_position_once_in_position_order() -> None:
    table = _table([(7, 3), (-5, 1), (7, 1), (2**62, 0), (-5, 4), (9, 2)])
    assert table.key_count == 4
    assert table.lookup(_wanted(7, -5)).tolist() == [1, 3, 4]
    assert table.lookup(_wanted(2**62, 9, 7)).tolist() == [0, 1, 2, 3]


def test_key_table_in_key_order_follows_the_first_key_that_found_a_position() -> None:
    table = _table([(7, 3), (-5, 1), (7, 1), (2**62, 0), (-5, 4), (9, 2)])
    # Within a key, positions keep the order they were filed in.
    assert table.lookup_in_key_order(_wanted(7, -5)).tolist() == [3, 1, 4]
    assert table.lookup_in_key_order(_wanted(-5, 7)).tolist() == [1, 4, 3]
    assert table.lookup_in_key_order(_wanted(9, 2**62, 7)).tolist() == [2, 0, 3, 1]


@pytest.mark.parametrize("wanted", [(), (8,), (-(2**63),), (2**63 - 1,), (6, 8, 10)])
def test_key_table_lookups_of_unknown_keys_find_nothing(wanted: tuple[int, ...]) -> None:
    table = _table([(7, 3), (-5, 1), (9, 2)])
    assert table.lookup(_wanted(*wanted)).tolist() == []
    assert table.lookup_in_key_order(_wanted(*wanted)).tolist() == []


def test_empty_key_table() -> None:
    table = _table([])
    assert table.key_count == 0
    assert table.lookup(_wanted(1, 2)).tolist() == []


def test_key_table_needs_a_position_per_key() -> None:
    with pytest.raises(ValueError, match="one position"):
        KeyTable.build(array("q", [1, 2]), array("i", [0]))


def test_text_column_round_trips_text_in_any_script() -> None:
    builder = TextColumnBuilder()
    values = ["S0000001", "", "王晓红", "Nguyễn Văn An", "x" * 1000]
    rows = [builder.append(value) for value in values]
    assert rows == list(range(len(values)))
    column = builder.finish()
    assert len(column) == len(values)
    assert [column.text(row) for row in rows] == values
    assert column.raw(2) == "王晓红".encode()
    with pytest.raises(IndexError):
        column.text(len(values))
    with pytest.raises(IndexError):
        column.raw(-1)


def test_name_sets_store_identical_sets_and_renderings_once() -> None:
    builder = NameSetsBuilder()
    first = builder.add((name_forms("NGUYEN VAN AN"), name_forms("阮文安")))
    assert builder.add((name_forms("NGUYEN VAN AN"), name_forms("阮文安"))) == first
    # Another spelling of the same renderings is another set, but not another rendering.
    second = builder.add((name_forms("Nguyen Van An"),))
    assert second != first
    sets = builder.finish()
    assert len(sets) == 2
    with_rendering_once = sets.nbytes
    other = NameSetsBuilder()
    other.add((name_forms("NGUYEN VAN AN"), name_forms("阮文安")))
    other.add((name_forms("Tran Thi Hoa"),))
    assert other.finish().nbytes > with_rendering_once


def test_name_sets_explain_with_the_first_best_name_as_written() -> None:
    builder = NameSetsBuilder()
    builder.add((name_forms("John Smith"), name_forms("WANG XIAOHONG"), name_forms("Wang Xiaohong")))
    builder.add((name_forms("Lê Văn Hùng"),))
    builder.add(())
    sets = builder.finish()
    query = (name_forms("王晓红"),)
    agreements = sets.compare(query, np.array([0, 1, 2], dtype=np.int64))
    assert agreements.scores[0] > 0.9
    assert agreements.scores[1] < 0.5
    assert agreements.scores[2] == 0.0
    best = agreements.best(0)
    assert best.entry_name == "WANG XIAOHONG"
    assert best.query_name == "王晓红"
    assert best.score == agreements.scores[0]
    assert agreements.best(2).rendering == "none"
