"""The gates benchmark's travellers: the spellings of listed persons come first (the generator
shuffles them among the others), every traveller gives a full birth date as a passport does, and
the watchlist is the one the matching benchmark draws."""

from __future__ import annotations

from bench.gates.seed import seed_travellers
from bench.matching.scale import synthetic_watchlist

from borderlink.matching import DEFAULT_THRESHOLD, WatchlistIndex


def test_listed_travellers_come_first_and_the_others_are_mostly_not_found() -> None:
    records, queries, listed = seed_travellers(400, 80)
    assert listed == 40
    assert records == synthetic_watchlist(400, 80)[0]
    assert all(q.birth_date and len(q.birth_date) == 10 for q in queries)
    index = WatchlistIndex.build(records)
    found = [bool(index.screen(q, DEFAULT_THRESHOLD, 10)) for q in queries]
    # A listed person's spelling is found nearly always; a person drawn apart from the watchlist
    # only through a namesake (rare in 400 entries).
    assert sum(found[:listed]) >= 0.8 * listed
    assert sum(found[listed:]) <= 0.2 * (len(queries) - listed)


def test_the_matching_benchmark_queries_do_not_change() -> None:
    records, queries = synthetic_watchlist(300, 40)
    partial = [q for q in queries if q.birth_date is None or len(q.birth_date) < 10]
    assert partial  # the matching benchmark keeps its patchier query dates
    assert len(records) == 300
