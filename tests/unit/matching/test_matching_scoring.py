"""Scores combine name agreement with birth date, gender and nationality, and explain themselves."""

from __future__ import annotations

import json

from borderlink.matching import DEFAULT_THRESHOLD, PersonRecord, score_records


def _record(identifier: str, name: str, **fields: str) -> PersonRecord:
    return PersonRecord(identifier, name, **fields)  # type: ignore[arg-type]


def test_same_person_across_three_scripts_scores_above_threshold() -> None:
    chinese = _record("cn", "王晓红", birth_date="1985-03-02", gender="F")
    passport = _record("pp", "WANG<<XIAOHONG", birth_date="02/03/1985", gender="F")
    vietnamese = _record("vn", "Vương Hiểu Hồng", birth_date="1985", gender="F")
    assert score_records(passport, chinese).score >= DEFAULT_THRESHOLD
    assert score_records(vietnamese, chinese).score >= DEFAULT_THRESHOLD
    assert score_records(passport, vietnamese).score >= DEFAULT_THRESHOLD


def test_namesake_born_years_apart_falls_below_threshold() -> None:
    watchlisted = _record("w", "王晓红", birth_date="1985-03-02")
    namesake = _record("q", "王晓红", birth_date="1992-07-11")
    match = score_records(namesake, watchlisted)
    assert match.score < DEFAULT_THRESHOLD
    assert match.explanation["birth_date"]["result"] == "conflict"  # type: ignore[index]


def test_month_conflict_in_partial_dates_lowers_the_score() -> None:
    entry = _record("w", "Nguyễn Văn An", birth_date="1985-03")
    assert score_records(_record("q", "Nguyễn Văn An", birth_date="1985-04"), entry).score < (DEFAULT_THRESHOLD)
    assert score_records(_record("q", "Nguyễn Văn An", birth_date="1985"), entry).score == 1.0


def test_near_miss_name_falls_below_threshold() -> None:
    entry = _record("w", "Nguyễn Văn An", birth_date="1985-03-02")
    for other in ("Nguyễn Văn Anh", "Nguyễn Văn Bình", "Trần Văn An", "NGUYEN VAN ANH"):
        assert score_records(_record("q", other, birth_date="1985-03-02"), entry).score < (DEFAULT_THRESHOLD), other


def test_birth_date_typing_slip_still_matches() -> None:
    entry = _record("w", "王晓红", birth_date="1985-03-02")
    slipped = score_records(_record("q", "WANG XIAOHONG", birth_date="1985-02-03"), entry)
    assert slipped.score >= DEFAULT_THRESHOLD
    assert slipped.explanation["birth_date"]["result"] == "close"  # type: ignore[index]


def test_gender_conflict_lowers_the_score() -> None:
    same = score_records(_record("q", "王晓红", gender="F"), _record("w", "王晓红", gender="F"))
    other = score_records(_record("q", "王晓红", gender="M"), _record("w", "王晓红", gender="F"))
    assert other.score < same.score
    assert other.explanation["gender"]["result"] == "conflict"  # type: ignore[index]


def test_nationality_names_and_codes_agree() -> None:
    match = score_records(
        _record("q", "阮文安", nationality="Việt Nam"), _record("w", "Nguyễn Văn An", nationality="VN")
    )
    assert match.explanation["nationality"]["result"] == "agree"  # type: ignore[index]
    assert match.explanation["nationality"]["entry"] == "VNM"  # type: ignore[index]


def test_same_document_number_raises_the_score() -> None:
    entry = _record("w", "Nguyễn Văn An", document_number="C1234567")
    plain = score_records(_record("q", "Ruan Wenan"), entry)
    with_document = score_records(_record("q", "Ruan Wenan", document_number="c 1234567"), entry)
    assert with_document.score > plain.score


def test_explanation_names_the_agreeing_rendering_and_is_json() -> None:
    match = score_records(_record("q", "WANG XIAOHONG"), _record("w", "王曉紅"))
    name = match.explanation["name"]
    assert isinstance(name, dict)
    assert name["rendering"] == "pinyin"
    assert name["entry_form"] == "wang xiao hong"
    assert json.loads(json.dumps(match.explanation)) == match.explanation
    assert match.id == "w"


def test_alt_names_are_compared() -> None:
    entry = PersonRecord("w", "Trần Thị Hoà", alt_names=("陈氏和",))
    assert score_records(_record("q", "陈氏和"), entry).score == 1.0


def test_unrelated_people_score_low() -> None:
    assert score_records(_record("q", "John Smith"), _record("w", "王晓红")).score < 0.3
    assert score_records(_record("q", "李明"), _record("w", "Nguyễn Văn An")).score < 0.3


def test_empty_name_scores_zero() -> None:
    assert score_records(_record("q", "  "), _record("w", "王晓红")).score == 0.0
