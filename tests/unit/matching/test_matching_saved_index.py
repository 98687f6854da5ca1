"""An index built with stable key hashes saves to an array file and answers the same when loaded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from borderlink.matching import PersonRecord, WatchlistIndex
from borderlink.matching.arrayfile import ArrayFileError, read_arrays, write_arrays
from borderlink.matching.keys import stable_key_hash

RECORDS = [
    PersonRecord("W1", "王晓红", ("Wang Xiaohong",), "1988-03-14", "F", "CHN", "E1234567"),
    PersonRecord("W2", "Nguyễn Văn An", (), "1970", "M", "VNM"),
    PersonRecord("W3", "Trần Thị Mai", ("TRAN THI MAI",), "1995-07", "F", "VNM"),
]
QUERIES = [
    PersonRecord("Q1", "Vương Hiểu Hồng", birth_date="1988"),
    PersonRecord("Q2", "NGUYEN VAN AN", gender="M"),
    PersonRecord("Q3", "Tran Mai", document_number="E1234567"),
]


def test_stable_key_hash_is_the_same_in_another_process() -> None:
    code = "from borderlink.matching.keys import stable_key_hash; print(stable_key_hash('pwang xiao hong'))"
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert int(other.stdout) == stable_key_hash("pwang xiao hong")


def test_saved_parts_answer_as_the_built_index(tmp_path: Path) -> None:
    built = WatchlistIndex.build(RECORDS, stable_keys=True)
    arrays, description = built.parts()
    write_arrays(tmp_path / "index.arrays", "watchlist", 1, arrays, description)
    loaded_description, loaded_arrays = read_arrays(tmp_path / "index.arrays", "watchlist", 1)
    loaded = WatchlistIndex.from_parts(loaded_arrays, loaded_description)
    assert len(loaded) == len(built)
    for query in QUERIES:
        assert loaded.screen(query, threshold=0.5) == built.screen(query, threshold=0.5)


def test_only_a_stable_index_has_parts() -> None:
    with pytest.raises(ValueError, match="stable_keys"):
        WatchlistIndex.build(RECORDS).parts()


def test_excluded_entries_are_left_out() -> None:
    index = WatchlistIndex.build(RECORDS)
    query = PersonRecord("Q", "Wang Xiaohong")
    excluded = np.zeros(len(RECORDS), dtype=np.bool_)
    assert [m.id for m in index.screen(query, excluded=excluded)] == ["W1"]
    excluded[0] = True
    assert index.screen(query, excluded=excluded) == []


def test_array_file_of_another_kind_or_version_refused(tmp_path: Path) -> None:
    path = tmp_path / "a.arrays"
    write_arrays(path, "watchlist", 1, {"numbers": np.arange(5, dtype=np.int64)}, {})
    with pytest.raises(ArrayFileError, match="version"):
        read_arrays(path, "watchlist", 2)
    with pytest.raises(ArrayFileError, match="does not hold"):
        read_arrays(path, "other", 1)
    _description, arrays = read_arrays(path, "watchlist", 1)
    assert arrays["numbers"].tolist() == [0, 1, 2, 3, 4]
