"""Renderings: characters → Pinyin, characters → Sino-Vietnamese, Pinyin ↔ Sino-Vietnamese."""

from __future__ import annotations

import pytest

from borderlink.matching import DEFAULT_THRESHOLD, PersonRecord, renderings, score_records
from borderlink.matching.readings import (
    cross_similarity,
    han_pinyin,
    han_viet,
    pinyin_to_han_viet,
    segment_pinyin,
)


def test_rule_characters_to_pinyin() -> None:
    assert renderings("王晓红")["pinyin"][0] == "wang xiao hong"
    assert renderings("阮文安")["pinyin"][0] == "ruan wen an"


@pytest.mark.parametrize(
    ("name", "surname"),
    [
        ("曾国藩", "zeng"),
        ("单田芳", "shan"),
        ("解缙", "xie"),
        ("仇英", "qiu"),
        ("朴正熙", "piao"),
        ("区志强", "ou"),
        ("查良镛", "zha"),
        ("翟志刚", "zhai"),
    ],
)
def test_rule_surname_readings_in_pinyin(name: str, surname: str) -> None:
    assert han_pinyin(name)[0][0] == surname


def test_rule_compound_surname_pinyin() -> None:
    assert han_pinyin("尉迟敬德")[0][:2] == ("yu", "chi")
    assert han_pinyin("欧阳修")[0] == ("ou", "yang", "xiu")


def test_rule_characters_to_sino_vietnamese() -> None:
    assert renderings("王晓红")["han_viet"][0] == "vương hiểu hồng"
    assert renderings("阮文安")["han_viet"][0] == "nguyễn văn an"


@pytest.mark.parametrize(
    ("name", "reading"),
    [("诸葛亮", "gia cát lượng"), ("欧阳修", "âu dương tu"), ("司马迁", "tư mã thiên")],
)
def test_rule_compound_surnames_in_sino_vietnamese(name: str, reading: str) -> None:
    assert " ".join(han_viet(name)[0]) == reading


@pytest.mark.parametrize(
    ("name", "readings"),
    [("黄明", {"hoàng", "huỳnh"}), ("武明", {"vũ", "võ"}), ("周明", {"chu", "châu"})],
)
def test_rule_southern_surname_variants(name: str, readings: set[str]) -> None:
    assert {sequence[0] for sequence in han_viet(name)} == readings


def test_rule_southern_variant_names_match() -> None:
    match = score_records(PersonRecord("a", "Huỳnh Văn Nam"), PersonRecord("b", "Hoàng Văn Nam"))
    assert match.score >= 0.9


def test_rule_polyphonic_characters_give_several_readings() -> None:
    assert len(han_pinyin("王晓红")) >= 2
    assert len(han_viet("单田芳")) >= 2


def test_rule_run_together_pinyin_is_split() -> None:
    assert segment_pinyin("xiaohong") == (("xiao", "hong"),)
    assert ("xin", "an") in segment_pinyin("xinan")
    assert segment_pinyin("nguyen") == ()


def test_rule_pinyin_projects_to_sino_vietnamese_without_characters() -> None:
    assert ("vuong", "hieu", "hong") in pinyin_to_han_viet(("wang", "xiao", "hong"), 32)
    assert cross_similarity("xiao", "hieu") > 0.9
    assert cross_similarity("hong", "hung") < 0.5


def test_rule_pinyin_matches_sino_vietnamese_without_characters() -> None:
    match = score_records(PersonRecord("a", "WANG XIAOHONG"), PersonRecord("b", "VUONG HIEU HONG"))
    assert match.score >= 0.9
    assert match.explanation["name"]["rendering"] == "pinyin↔han_viet"  # type: ignore[index]


def test_rule_written_tones_narrow_pinyin_to_sino_vietnamese() -> None:
    pinyin = PersonRecord("a", "Fan Wen Wu")
    assert score_records(PersonRecord("b", "Phạm Văn Vũ"), pinyin).score >= DEFAULT_THRESHOLD
    # 范 Fan reads Phạm; Phan with its level tone is 潘 Pan, not a reading of any Fan.
    assert score_records(PersonRecord("b", "Phan Văn Vũ"), pinyin).score < DEFAULT_THRESHOLD
    # Without diacritics the tone is unknown, so PHAN stays a possible reading.
    assert score_records(PersonRecord("b", "PHAN VAN VU"), pinyin).score >= DEFAULT_THRESHOLD


def test_rule_vietnamese_name_in_chinese_records() -> None:
    assert score_records(PersonRecord("a", "阮文安"), PersonRecord("b", "NGUYEN VAN AN")).score >= 0.95
    ruan = score_records(PersonRecord("a", "Ruan Wen'an"), PersonRecord("b", "Nguyễn Văn An"))
    assert ruan.score >= 0.8


def test_rule_family_first_and_given_first_orders_match() -> None:
    family_first = PersonRecord("a", "Nguyễn Văn An")
    passport_given_first = PersonRecord("b", "Van An NGUYEN")
    assert score_records(family_first, passport_given_first).score >= 0.95
    assert score_records(PersonRecord("a", "XIAOHONG WANG"), PersonRecord("b", "王晓红")).score >= 0.9


def test_renderings_of_a_latin_name_that_is_neither() -> None:
    result = renderings("John Smith")
    assert result["pinyin"] == []
    assert result["han_viet"] == []
    assert result["latin"] == ["john smith"]
