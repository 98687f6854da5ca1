"""Birth dates, gender and nationality normalisation and comparison."""

from __future__ import annotations

import pytest

from borderlink.matching.dates import (
    DateAgreement,
    PartialDate,
    compare_dates,
    parse_birth_date,
)
from borderlink.matching.demographics import (
    normalise_document_number,
    normalise_gender,
    normalise_nationality,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1985", PartialDate(1985)),
        ("1985-03", PartialDate(1985, 3)),
        ("1985-03-02", PartialDate(1985, 3, 2)),
        ("02/03/1985", PartialDate(1985, 3, 2)),
        ("1985年3月2日", PartialDate(1985, 3, 2)),
        ("1985年3月", PartialDate(1985, 3)),
        ("1985年", PartialDate(1985)),
        ("19850302", PartialDate(1985, 3, 2)),
        ("１９８５-０３-０２", PartialDate(1985, 3, 2)),
    ],
)
def test_rule_birth_date_formats(text: str, expected: PartialDate) -> None:
    assert parse_birth_date(text) == expected


@pytest.mark.parametrize("text", ["", "unknown", "1985-13-01", "32/01/1985", "85", None])
def test_rule_unreadable_birth_date_is_unknown(text: str | None) -> None:
    assert parse_birth_date(text) is None


def test_rule_partial_date_is_compatible_with_full_date() -> None:
    assert compare_dates(PartialDate(1985), PartialDate(1985, 3, 2)) is DateAgreement.COMPATIBLE
    assert compare_dates(PartialDate(1985, 3), PartialDate(1985, 3, 2)) is DateAgreement.COMPATIBLE


def test_rule_partial_dates_conflict_at_shared_precision() -> None:
    assert compare_dates(PartialDate(1985, 3), PartialDate(1985, 4)) is DateAgreement.CONFLICT
    assert compare_dates(PartialDate(1985), PartialDate(1988, 3, 2)) is DateAgreement.CONFLICT
    assert compare_dates(PartialDate(1985, 3, 2), PartialDate(1986, 4, 2)) is DateAgreement.CONFLICT
    assert compare_dates(PartialDate(1985, 3, 2), PartialDate(1985, 3, 3)) is DateAgreement.CONFLICT


def test_rule_typing_slips_in_birth_dates_are_close_not_conflicting() -> None:
    assert compare_dates(PartialDate(1985, 3, 2), PartialDate(1986, 3, 2)) is DateAgreement.CLOSE
    assert compare_dates(PartialDate(1985), PartialDate(1984, 9, 16)) is DateAgreement.CLOSE
    assert compare_dates(PartialDate(1985, 3, 2), PartialDate(1985, 2, 3)) is DateAgreement.CLOSE
    assert compare_dates(PartialDate(1985, 3, 2), PartialDate(1987, 3, 2)) is DateAgreement.CONFLICT


def test_rule_same_date_agrees_and_missing_is_missing() -> None:
    assert compare_dates(PartialDate(1985, 3, 2), PartialDate(1985, 3, 2)) is DateAgreement.SAME
    assert compare_dates(None, PartialDate(1985)) is DateAgreement.MISSING


@pytest.mark.parametrize(
    ("text", "expected"),
    [("M", "M"), ("male", "M"), ("Nam", "M"), ("男", "M"), ("f", "F"), ("Nữ", "F"), ("女", "F")],
)
def test_rule_gender(text: str, expected: str) -> None:
    assert normalise_gender(text) == expected


def test_rule_unknown_gender_is_none() -> None:
    assert normalise_gender("x") is None
    assert normalise_gender(None) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("VNM", "VNM"),
        ("vn", "VNM"),
        ("Vietnam", "VNM"),
        ("Viet Nam", "VNM"),
        ("Việt Nam", "VNM"),
        ("CN", "CHN"),
        ("China", "CHN"),
        ("中国", "CHN"),
        ("chn", "CHN"),
        ("LAO", "LAO"),
    ],
)
def test_rule_nationality_alpha3_alpha2_and_names(text: str, expected: str) -> None:
    assert normalise_nationality(text) == expected


def test_rule_unknown_nationality_name_is_none() -> None:
    assert normalise_nationality("Atlantis") is None


def test_rule_document_number_ignores_spacing_and_case() -> None:
    assert normalise_document_number("e 1234-567") == "E1234567"
