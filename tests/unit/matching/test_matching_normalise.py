"""Normalisation rules: one test per rule."""

from __future__ import annotations

import pytest

from borderlink.matching import PersonRecord, normalise_name, score_records
from borderlink.matching.normalise import canonical_token, fold, parse_name, simplify


def test_rule_unicode_nfc_composes_decomposed_vietnamese() -> None:
    decomposed = "Nguye\u0302\u0303n"
    assert normalise_name(decomposed) == normalise_name("Nguyễn") == "nguyễn"


def test_rule_case_is_folded() -> None:
    assert normalise_name("NGUYỄN VĂN AN") == normalise_name("nguyễn văn an")


def test_rule_punctuation_is_a_separator() -> None:
    assert normalise_name("Wang Xiao-Hong.") == "wang xiao hong"
    assert normalise_name("Ruan Wen'an") == "ruan wen an"


def test_rule_surname_comma_given_puts_family_name_first() -> None:
    parsed = parse_name("NGUYEN, Van An")
    assert parsed.tokens == ("nguyen", "van", "an")
    assert parsed.family_first


def test_rule_mrz_separators() -> None:
    parsed = parse_name("WANG<<XIAOHONG")
    assert parsed.tokens == ("wang", "xiaohong")
    assert parsed.family_first
    assert normalise_name("NGUYEN<<VAN<AN") == "nguyen van an"


@pytest.mark.parametrize(
    ("old_style", "new_style"),
    [("hòa", "hoà"), ("thụy", "thuỵ"), ("khỏe", "khoẻ"), ("Hòa", "HOÀ")],
)
def test_rule_both_tone_mark_placements_are_one_name(old_style: str, new_style: str) -> None:
    assert canonical_token(old_style.casefold()) == canonical_token(new_style.casefold())


def test_rule_tone_mark_follows_final_consonant_and_quality_vowel() -> None:
    assert canonical_token("hoang\u0300") == "hoàng"
    assert canonical_token("nguyên\u0303") == "nguyễn"
    assert canonical_token("quý") == canonical_token("quí")


@pytest.mark.parametrize(("y_spelling", "i_spelling"), [("Lý", "Lí"), ("Kỳ", "Kì"), ("Mỹ", "Mĩ")])
def test_rule_i_and_y_spellings_are_one_name(y_spelling: str, i_spelling: str) -> None:
    assert normalise_name(y_spelling) == normalise_name(i_spelling)


def test_rule_final_y_after_vowel_is_kept() -> None:
    assert canonical_token("huy") == "huy"
    assert canonical_token("thúy") == "thúy"


def test_rule_traditional_and_simplified_characters_are_unified() -> None:
    assert simplify("王曉紅") == "王晓红"
    assert normalise_name("陳文安") == normalise_name("陈文安")
    match = score_records(PersonRecord("a", "長孫無忌"), PersonRecord("b", "长孙无忌"))
    assert match.score == 1.0


def test_rule_diacritics_are_folded_for_retrieval() -> None:
    assert fold("Nguyễn Văn Đức") == "Nguyen Van Duc"


def test_rule_diacritics_are_kept_for_scoring() -> None:
    with_marks = PersonRecord("a", "Nguyễn Văn An")
    ascii_only = score_records(with_marks, PersonRecord("b", "NGUYEN VAN AN"))
    other_tone = score_records(with_marks, PersonRecord("c", "Nguyễn Văn Ân"))
    assert ascii_only.score == 1.0
    assert other_tone.score < ascii_only.score


def test_rule_han_and_latin_in_one_field_are_separated() -> None:
    parsed = parse_name("王晓红 WANG XIAOHONG")
    assert parsed.han == "王晓红"
    assert parsed.tokens == ("wang", "xiaohong")
