"""Properties that hold for any input."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from borderlink.matching import PersonRecord, WatchlistIndex, normalise_name, renderings, score_records

NAME_PARTS = ["王", "晓", "红", "阮", "文", "安", "Nguyễn", "Văn", "An", "WANG", "XIAOHONG", "Hoà"]
names = st.lists(st.sampled_from(NAME_PARTS), min_size=1, max_size=4).map(" ".join)
dates = st.one_of(
    st.none(),
    st.integers(1940, 2010).map(str),
    st.dates().map(lambda d: d.isoformat()),
)
genders = st.sampled_from([None, "M", "F"])
nationalities = st.sampled_from([None, "VN", "CHN", "China", "Việt Nam"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    name_a=st.one_of(names, st.text(max_size=30)),
    name_b=st.one_of(names, st.text(max_size=30)),
    birth_date=dates,
    gender=genders,
    nationality=nationalities,
)
def test_score_is_symmetric_for_same_fields(
    name_a: str, name_b: str, birth_date: str | None, gender: str | None, nationality: str | None
) -> None:
    a = PersonRecord("a", name_a, birth_date=birth_date, gender=gender, nationality=nationality)
    b = PersonRecord("b", name_b, birth_date=birth_date, gender=gender, nationality=nationality)
    assert score_records(a, b).score == score_records(b, a).score


@settings(max_examples=150, deadline=None)
@given(
    name_a=st.one_of(names, st.text()),
    name_b=st.one_of(names, st.text()),
    date_a=st.one_of(dates, st.text(max_size=12)),
    date_b=st.one_of(dates, st.text(max_size=12)),
    gender=st.one_of(genders, st.text(max_size=3)),
    nationality=st.one_of(nationalities, st.text(max_size=5)),
)
def test_score_is_in_unit_interval_and_never_crashes(
    name_a: str,
    name_b: str,
    date_a: str | None,
    date_b: str | None,
    gender: str | None,
    nationality: str | None,
) -> None:
    match = score_records(
        PersonRecord("a", name_a, birth_date=date_a, gender=gender),
        PersonRecord("b", name_b, birth_date=date_b, nationality=nationality),
    )
    assert 0.0 <= match.score <= 1.0
    assert match.id == "b"


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_normalise_and_renderings_never_crash(text: str) -> None:
    normalised = normalise_name(text)
    assert normalise_name(normalised) == normalised or any(c in text for c in "<,")
    result = renderings(text)
    assert set(result) == {"characters", "pinyin", "han_viet", "latin"}


@settings(max_examples=100, deadline=None)
@given(names, dates)
def test_identical_records_score_one(name: str, birth_date: str | None) -> None:
    record = PersonRecord("x", name, birth_date=birth_date)
    assert score_records(record, record).score == 1.0


@settings(max_examples=100, deadline=None)
@given(st.text(), dates)
def test_screening_arbitrary_text_never_crashes(name: str, birth_date: str | None) -> None:
    index = _small_index()
    for match in index.screen(PersonRecord("q", name, birth_date=birth_date), threshold=0.0):
        assert 0.0 <= match.score <= 1.0


_INDEX: list[WatchlistIndex] = []


def _small_index() -> WatchlistIndex:
    if not _INDEX:
        _INDEX.append(
            WatchlistIndex.build(
                PersonRecord(str(i), name) for i, name in enumerate([*NAME_PARTS, "王晓红", "Nguyễn Văn An"])
            )
        )
    return _INDEX[0]


field_dates = st.one_of(
    st.none(),
    st.integers(1983, 1987).map(str),
    st.builds(lambda y, m: f"{y}-{m:02d}", st.integers(1983, 1987), st.integers(1, 4)),
    st.builds(lambda y, m, d: f"{y}-{m:02d}-{d:02d}", st.integers(1983, 1987), st.integers(1, 4), st.integers(1, 4)),
)


@settings(max_examples=60, deadline=None)
@given(
    query_fields=st.tuples(field_dates, genders, nationalities),
    entry_fields=st.lists(st.tuples(field_dates, genders, nationalities), min_size=1, max_size=12),
    name=st.sampled_from(["王晓红", "王曉紅", "WANG XIAOHONG", "Vương Hiểu Hồng", "Xiaohong WANG"]),
)
def test_index_scores_equal_pairwise_scores(
    query_fields: tuple[str | None, str | None, str | None],
    entry_fields: list[tuple[str | None, str | None, str | None]],
    name: str,
) -> None:
    entries = [
        PersonRecord(f"e{i:02d}", "王晓红", birth_date=d, gender=g, nationality=n)
        for i, (d, g, n) in enumerate(entry_fields)
    ]
    query = PersonRecord("q", name, birth_date=query_fields[0], gender=query_fields[1], nationality=query_fields[2])
    expected = sorted(
        ((score_records(query, entry).score, entry.id) for entry in entries),
        key=lambda item: (-item[0], item[1]),
    )
    index = WatchlistIndex.build(entries)
    found = index.screen(query, threshold=0.0, limit=len(entries))
    # The index scores candidates with arrays; every score and the order must be the pairwise ones.
    assert [(match.score, match.id) for match in found] == expected
    assert [(match.score, match.id) for match in index.screen(query, threshold=0.0, limit=3)] == expected[:3]
    above = [item for item in expected if item[0] >= 0.8]
    assert [(match.score, match.id) for match in index.screen(query, threshold=0.8, limit=20)] == above
