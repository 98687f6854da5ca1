"""The matching evaluation set is deterministic and well labelled; the benchmark runs end to end."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from bench import run_all
from bench.matching import run as matching_run
from bench.matching.baseline import FuzzyBaseline, ascii_fold
from bench.matching.dataset import (
    CATEGORIES,
    NEGATIVE_CATEGORIES,
    POSITIVE_CATEGORIES,
    EvalSet,
    GenerationConfig,
    generate,
)
from bench.matching.people import dates_compatible
from bench.matching.renderings import PersonName
from bench.matching.sources import load_sources

SMALL = GenerationConfig(watchlist_size=2_000, positives_per_category=25,
                         negatives_per_category=25)
CJK = re.compile(r"[\u3400-\u9fff]")


@pytest.fixture(scope="module")
def evalset() -> EvalSet:
    return generate(SMALL)


def _has_cjk(text: str) -> bool:
    return bool(CJK.search(text))


def test_generator_is_deterministic(evalset: EvalSet) -> None:
    again = generate(SMALL)
    assert again.watchlist == evalset.watchlist
    assert again.queries == evalset.queries
    assert generate(GenerationConfig(seed=1, watchlist_size=2_000, positives_per_category=25,
                                     negatives_per_category=25)).queries != evalset.queries


def test_every_category_is_present_with_its_count(evalset: EvalSet) -> None:
    assert evalset.counts() == dict.fromkeys(CATEGORIES, 25)
    assert len(evalset.watchlist) == SMALL.watchlist_size
    assert len({entry.id for entry in evalset.watchlist}) == len(evalset.watchlist)
    assert len({query.id for query in evalset.queries}) == len(evalset.queries)


def test_positive_labels_point_at_the_entry_the_query_was_made_from(evalset: EvalSet) -> None:
    entries = {entry.id: entry for entry in evalset.watchlist}
    for query in evalset.queries:
        if query.category in NEGATIVE_CATEGORIES:
            assert query.true_ids == ()
            assert query.acceptable_ids == ()
            continue
        assert query.category in POSITIVE_CATEGORIES
        (true_id,) = query.true_ids
        entry = entries[true_id]
        assert true_id not in query.acceptable_ids
        assert all(dates_compatible(query.birth_date, entries[i].birth_date)
                   for i in query.acceptable_ids)
        query_cjk, entry_cjk = _has_cjk(query.name), _has_cjk(entry.name)
        if query.category == "trad_simplified":
            assert query_cjk
            assert entry_cjk
            assert query.name != entry.name
        elif query.category in ("chars_to_hanviet", "chars_to_pinyin"):
            assert query_cjk != entry_cjk
        elif query.category == "pinyin_to_hanviet":
            assert not query_cjk
            assert not entry_cjk
        elif query.category == "southern_tone_iy":
            assert not query_cjk
            assert not entry_cjk
            assert query.name != entry.name
        elif query.category == "vn_nationals_in_chars":
            assert query.nationality in (None, "VNM")


def test_namesakes_share_the_name_but_not_the_birth_year(evalset: EvalSet) -> None:
    entries = {entry.id: entry for entry in evalset.watchlist}
    namesakes = [q for q in evalset.queries if q.category == "namesake_other_birth"]
    for query in namesakes:
        assert query.related_entry is not None
        entry = entries[query.related_entry]
        assert query.birth_date is not None
        assert len(query.birth_date) == 10
        assert entry.birth_date is not None
        assert len(entry.birth_date) == 10
        assert abs(int(query.birth_date[:4]) - int(entry.birth_date[:4])) >= 3


def test_ground_truth_renderings_come_from_the_source_lists() -> None:
    sources = load_sources()
    by_char = {c.syllable.simplified: c.syllable for c in sources.cn_given}
    wang = next(s for s in sources.cn_surnames if s.syllables[0].simplified == "王")
    name = PersonName(family=wang.syllables, given=(by_char["晓"], by_char["红"]))
    assert name.pinyin_parts() == ("Wang", "Xiaohong")
    assert name.hanviet_parts() == (["Vương"], ["Hiểu", "Hồng"])
    assert name.chars(traditional=True) == "王曉紅"
    family = {n.vietnamese: n for n in sources.vn_family}
    middle = {n.vietnamese: n for n in sources.vn_middle}
    given = {n.vietnamese: n for n in sources.vn_given}
    vietnamese = PersonName(
        family=(family["Nguyễn"].syllable,),
        given=(middle["Văn"].syllable, given["An"].syllable),
        vietnamese=(family["Nguyễn"], middle["Văn"], given["An"]),
    )
    assert vietnamese.chars() == "阮文安"
    assert vietnamese.pinyin_parts() == ("Ruan", "Wen'an")
    surnames = {"".join(x.simplified for x in s.syllables): s for s in sources.cn_surnames}
    assert surnames["曾"].syllables[0].pinyin == "zeng"
    assert surnames["翟"].syllables[0].pinyin == "zhai"
    assert [x.hanviet for x in surnames["诸葛"].syllables] == ["Gia", "Cát"]


def test_baseline_folds_and_finds_formatting_variants(evalset: EvalSet) -> None:
    assert ascii_fold("NGUYỄN, Văn-Đức") == "nguyen  van duc"
    assert ascii_fold("王晓红") == "王晓红"
    baseline = FuzzyBaseline(evalset.watchlist[:200])
    target = evalset.watchlist[0]
    hits = baseline.screen(target)
    assert hits
    assert hits[0].id == target.id
    assert hits[0].score == 1.0
    assert baseline.screen_many([target])[0][0].id == target.id


def test_run_all_discovers_the_matching_benchmark() -> None:
    assert "matching" in run_all.discover()


@pytest.mark.slow  # a real, if small, benchmark run
def test_matching_benchmark_runs_end_to_end_on_a_tiny_size(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setenv("BORDERLINK_BENCH_EVAL_SIZE", "2000")
    monkeypatch.setenv("BORDERLINK_BENCH_SCALE", "2000")
    monkeypatch.setenv("BORDERLINK_BENCH_OUT", str(tmp_path))
    started = time.perf_counter()
    assert matching_run.main() == 0
    elapsed = time.perf_counter() - started
    output = capsys.readouterr().out
    assert "baseline" in output
    assert output.count("OVERALL") == 4
    assert "matching scale: borderlink.matching, 2,000 synthetic entries" in output
    assert "single check p99" in output
    assert elapsed < 60
