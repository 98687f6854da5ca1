"""The candidate index: build once, screen many, across scripts."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from borderlink.matching import DEFAULT_THRESHOLD, PersonRecord, WatchlistIndex

WATCHLIST = [
    PersonRecord("cn-1", "王晓红", birth_date="1985-03-02", gender="F", nationality="CN"),
    PersonRecord("vn-1", "Nguyễn Văn An", birth_date="1990-06-01", gender="M", nationality="VN"),
    PersonRecord("vn-2", "Trần Thị Hoà", alt_names=("陈氏和",), birth_date="1979"),
    PersonRecord("cn-2", "诸葛亮", birth_date="1981-08-08", gender="M"),
    PersonRecord("cn-3", "WANG XIAOHONG", birth_date="1960-01-01", gender="F"),
    PersonRecord("xx-1", "John Smith", birth_date="1970-05-05"),
    PersonRecord("vn-3", "Lê Văn Hùng", birth_date="1988-02-02"),
]


@pytest.fixture(scope="module")
def index() -> WatchlistIndex:
    return WatchlistIndex.build(WATCHLIST)


def _ids(index: WatchlistIndex, query: PersonRecord) -> list[str]:
    return [match.id for match in index.screen(query)]


def test_len_counts_entries(index: WatchlistIndex) -> None:
    assert len(index) == len(WATCHLIST)
    assert len(WatchlistIndex.build([])) == 0


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("WANG<<XIAOHONG", "cn-1"),
        ("Xiaohong WANG", "cn-1"),
        ("Vương Hiểu Hồng", "cn-1"),
        ("VUONG HIEU HONG", "cn-1"),
        ("王曉紅", "cn-1"),
        ("NGUYEN VAN AN", "vn-1"),
        ("NGUYEN<<VAN<AN", "vn-1"),
        ("阮文安", "vn-1"),
        ("Ruan Wen'an", "vn-1"),
        ("Tran Thi Hoa", "vn-2"),
        ("Trần Thị Hòa", "vn-2"),
        ("陳氏和", "vn-2"),
        ("Gia Cát Lượng", "cn-2"),
        ("ZHUGE LIANG", "cn-2"),
        ("SMITH, John", "xx-1"),
    ],
)
def test_screen_finds_the_person_across_scripts(index: WatchlistIndex, name: str, expected: str) -> None:
    assert expected in _ids(index, PersonRecord("q", name))


def test_screen_orders_best_first_and_respects_birth_dates(index: WatchlistIndex) -> None:
    matches = index.screen(PersonRecord("q", "WANG XIAOHONG", birth_date="1985"))
    assert [match.id for match in matches] == ["cn-1"]
    both = index.screen(PersonRecord("q", "WANG XIAOHONG"))
    assert [match.id for match in both] == ["cn-3", "cn-1"]
    assert both[0].score >= both[1].score


def test_screen_threshold_and_limit(index: WatchlistIndex) -> None:
    query = PersonRecord("q", "WANG XIAOHONG")
    assert len(index.screen(query, limit=1)) == 1
    assert all(m.score >= 0.99 for m in index.screen(query, threshold=0.99))
    assert index.screen(PersonRecord("q", "Phạm Minh Chính")) == []


def test_screen_returns_scores_in_range(index: WatchlistIndex) -> None:
    for match in index.screen(PersonRecord("q", "王晓红"), threshold=0.0):
        assert 0.0 <= match.score <= 1.0
        assert match.score >= 0.0


def test_screen_many_matches_screen_with_processes(index: WatchlistIndex) -> None:
    queries = [PersonRecord(f"q{i}", record.name) for i, record in enumerate(WATCHLIST * 3)]
    expected = [index.screen(query) for query in queries]
    assert index.screen_many(queries) == expected
    assert index.screen_many(queries, workers=2) == expected


def test_index_is_safe_to_share_across_threads(index: WatchlistIndex) -> None:
    queries = [PersonRecord(f"q{i}", record.name) for i, record in enumerate(WATCHLIST * 5)]
    expected = [index.screen(query) for query in queries]
    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(index.screen, queries)) == expected


def test_default_threshold_is_a_probability() -> None:
    assert 0.0 < DEFAULT_THRESHOLD < 1.0


def test_query_without_a_usable_name_finds_nothing(index: WatchlistIndex) -> None:
    assert index.screen(PersonRecord("q", " <<, ")) == []


def test_stored_name_forms_survive_encoding() -> None:
    from borderlink.matching.render import name_forms
    from borderlink.matching.stored_names import decode_renderings, encode_renderings

    for name in ("王晓红", "Nguyễn Văn An", "WANG<<XIAOHONG", "John Smith"):
        forms = name_forms(name)
        assert decode_renderings(encode_renderings(forms), forms.original) == forms
