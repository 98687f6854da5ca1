"""Machine-readable zones: the ICAO Doc 9303 specimens of every format and the edge cases a gate meets."""

from __future__ import annotations

import datetime as dt

import pytest

from borderlink.gates import mrz
from borderlink.gates.mrz import MrzFormat, check_digit, parse, parse_blocks, split_blocks
from borderlink.gates.mrz_compose import DocumentFields, compose, transliterate

TODAY = dt.date(2026, 12, 1)
DIGITS_AND_DATES = {"document_number", "birth_date", "expiry_date"}
WITH_COMPOSITE = DIGITS_AND_DATES | {"composite"}

TD3 = "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
TD1 = "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<"
TD2 = "I<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nD231458907UTO7408122F1204159<<<<<<<6"
MRVA = "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL8988901C4XXX4009078F96121096ZE184226B<<<<<<"
MRVB = "V<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<\nL8988901C4XXX4009078F9612109<<<<<<<<"
TD1_LONG = "I<UTOD23145890<7349<<<<<<<<<<<\n3407127M9507122UTO<<<<<<<<<<<2\nSTEVENSON<<PETER<JOHN<<<<<<<<<"
TD2_LONG = "I<UTOSTEVENSON<<PETER<JOHN<<<<<<<<<<\nD23145890<UTO3407127M95071227349<<<8"


def _replace(zone: str, line: int, position: int, char: str) -> str:
    lines = zone.split("\n")
    lines[line] = lines[line][:position] + char + lines[line][position + 1 :]
    return "\n".join(lines)


def test_check_digit_of_the_specimen_fields() -> None:
    assert check_digit("L898902C3") == 6
    assert check_digit("740812") == 2
    assert check_digit("120415") == 9
    assert check_digit("ZE184226B<<<<<") == 1
    assert check_digit("<<<<") == 0


def test_td3_specimen() -> None:
    result = parse(TD3, today=TODAY)
    assert result.as_json() == {
        "format": "TD3",
        "valid": True,
        "document_code": "P",
        "issuing_state": "UTO",
        "surname": "ERIKSSON",
        "given_names": "ANNA MARIA",
        "document_number": "L898902C3",
        "nationality": "UTO",
        "birth_date": "1974-08-12",
        "expiry_date": "2012-04-15",
        "sex": "F",
        "optional_data": "ZE184226B",
        "checks": {"document_number": True, "birth_date": True, "expiry_date": True, "optional_data": True,
                   "composite": True},
        "errors": [],
    }
    assert result.expired is True
    assert result.names_truncated is False


@pytest.mark.parametrize(
    ("zone", "expected_format", "number", "nationality", "birth", "expiry", "checks"),
    [
        (TD1, MrzFormat.TD1, "D23145890", "UTO", "1974-08-12", "2012-04-15", WITH_COMPOSITE),
        (TD2, MrzFormat.TD2, "D23145890", "UTO", "1974-08-12", "2012-04-15", WITH_COMPOSITE),
        (MRVA, MrzFormat.MRVA, "L8988901C", "XXX", "1940-09-07", "1996-12-10", DIGITS_AND_DATES),
        (MRVB, MrzFormat.MRVB, "L8988901C", "XXX", "1940-09-07", "1996-12-10", DIGITS_AND_DATES),
    ],
)
def test_specimens_of_cards_and_visas(zone: str, expected_format: MrzFormat, number: str, nationality: str,
                                      birth: str, expiry: str, checks: set[str]) -> None:
    result = parse(zone, today=TODAY)
    assert result.valid, result.errors
    assert result.format is expected_format
    assert (result.surname, result.given_names) == ("ERIKSSON", "ANNA MARIA")
    assert result.document_number == number
    assert result.nationality == nationality
    assert result.birth_date == birth
    assert result.expiry_date == dt.date.fromisoformat(expiry)
    assert set(result.checks) == checks
    assert result.expired is True


def test_visas_have_no_composite_check() -> None:
    assert "composite" not in parse(MRVA, today=TODAY).checks
    assert parse(MRVA, today=TODAY).optional_data == "6ZE184226B"


@pytest.mark.parametrize("zone", [TD1_LONG, TD2_LONG])
def test_long_document_number_continues_in_the_optional_data(zone: str) -> None:
    result = parse(zone, today=TODAY)
    assert result.valid, result.errors
    assert result.document_number == "D23145890734"
    assert result.optional_data == ""
    assert result.given_names == "PETER JOHN"


def test_long_document_number_with_a_wrong_check_digit_names_the_field() -> None:
    result = parse(TD1_LONG.replace("7349", "7348"), today=TODAY)
    assert result.checks["document_number"] is False
    assert any(error.startswith("document_number:") for error in result.errors)


def test_filler_check_digit_without_continuation_is_refused() -> None:
    zone = "I<UTOD23145890<<<<<<<<<<<<<<<<\n3407127M9507122UTO<<<<<<<<<<<2\nSTEVENSON<<PETER<JOHN<<<<<<<<<"
    result = parse(zone, today=TODAY)
    assert not result.valid
    assert any("continuation" in error for error in result.errors)


@pytest.mark.parametrize(
    ("line", "position", "field"),
    [
        (1, 9, "document_number"),
        (1, 19, "birth_date"),
        (1, 27, "expiry_date"),
        (1, 42, "optional_data"),
        (1, 43, "composite"),
    ],
)
def test_a_wrong_check_digit_names_its_field(line: int, position: int, field: str) -> None:
    original = TD3.split("\n")[line][position]
    wrong = str((int(original) + 1) % 10)
    result = parse(_replace(TD3, line, position, wrong), today=TODAY)
    assert not result.valid
    assert result.checks[field] is False
    assert any(error.startswith(f"{field}:") for error in result.errors)


def test_composite_fails_alone_when_a_covered_field_changes_with_its_own_check() -> None:
    # Birth date 740812 → 740912 with its own check digit: the field checks, the composite does not.
    zone = TD3.replace("7408122F", f"740912{check_digit('740912')}F")
    result = parse(zone, today=TODAY)
    assert result.checks["birth_date"] is True
    assert result.checks["composite"] is False
    assert [error.split(":")[0] for error in result.errors] == ["composite"]


def test_td1_composite_covers_the_optional_data_and_not_the_name() -> None:
    renamed = TD1.replace("ERIKSSON<<ANNA<MARIA<<<<<<<<<<", "ERIKSON<<ANNA<<<<<<<<<<<<<<<<<")
    assert parse(renamed, today=TODAY).valid
    changed_optional = _replace(TD1, 0, 20, "B")
    assert parse(changed_optional, today=TODAY).checks["composite"] is False


@pytest.mark.parametrize("check", ["<", "0"])
def test_empty_personal_number_may_carry_a_filler_or_zero_check_digit(check: str) -> None:
    fields = DocumentFields(MrzFormat.TD3, "P", "UTO", "Eriksson", "Anna Maria", "L898902C3", "UTO",
                            "740812", "F", dt.date(2032, 4, 15))
    zone = compose(fields)
    assert zone.split("\n")[1][28:43] == "<" * 14 + "0"
    zone = _replace(zone, 1, 42, check)
    lines = zone.split("\n")
    composite = check_digit(lines[1][0:10] + lines[1][13:20] + lines[1][21:43])
    zone = _replace(zone, 1, 43, str(composite))
    result = parse(zone, today=TODAY)
    assert result.valid, result.errors
    assert result.checks["optional_data"] is True
    assert result.optional_data == ""
    assert result.expired is False


def test_filler_check_digit_is_refused_when_the_personal_number_is_present() -> None:
    result = parse(_replace(TD3, 1, 42, "<"), today=TODAY)
    assert result.checks["optional_data"] is False
    assert any(error.startswith("optional_data:") for error in result.errors)


def test_birth_year_century_never_puts_a_birth_in_the_future() -> None:
    def zone(birth: str) -> str:
        return compose(DocumentFields(MrzFormat.TD3, "P", "UTO", "A", "B", "X1", "UTO", birth, "M",
                                      dt.date(2030, 1, 1)))

    assert parse(zone("261130"), today=TODAY).birth_date == "2026-11-30"
    assert parse(zone("261201"), today=TODAY).birth_date == "2026-12-01"
    assert parse(zone("261202"), today=TODAY).birth_date == "1926-12-02"
    assert parse(zone("300101"), today=TODAY).birth_date == "1930-01-01"
    assert parse(zone("050607"), today=TODAY).birth_date == "2005-06-07"
    # The same zone read on another day: "today" decides.
    assert parse(zone("300101"), today=dt.date(2031, 1, 1)).birth_date == "2030-01-01"


def test_expiry_may_be_long_past_or_some_years_ahead() -> None:
    def expiry_of(year_digits: str) -> dt.date | None:
        zone = TD3.replace("1204159", f"{year_digits}0415" + str(check_digit(f"{year_digits}0415")))
        return parse(zone, today=TODAY).expiry_date

    assert expiry_of("12") == dt.date(2012, 4, 15)
    assert expiry_of("36") == dt.date(2036, 4, 15)
    assert expiry_of("46") == dt.date(2046, 4, 15)
    assert expiry_of("47") == dt.date(1947, 4, 15)
    assert expiry_of("96") == dt.date(1996, 4, 15)


def test_expired_is_relative_to_today() -> None:
    assert parse(TD3, today=dt.date(2012, 4, 15)).expired is False
    assert parse(TD3, today=dt.date(2012, 4, 16)).expired is True
    # Expired documents still read as valid zones: expiry is flagged, not a check failure.
    assert parse(TD3, today=TODAY).valid


@pytest.mark.parametrize(
    ("birth", "expected"),
    [("74<<<<", "1974"), ("7408<<", "1974-08"), ("<<<<<<", None)],
)
def test_unknown_birth_date_parts(birth: str, expected: str | None) -> None:
    zone = compose(DocumentFields(MrzFormat.TD3, "P", "UTO", "ERIKSSON", "ANNA", "L898902C3", "UTO", birth,
                                  "F", dt.date(2030, 1, 1)))
    result = parse(zone, today=TODAY)
    assert result.valid, result.errors
    assert result.birth_date == expected


def test_unknown_birth_month_reads_the_century_on_the_year_only() -> None:
    zone = compose(DocumentFields(MrzFormat.TD3, "P", "UTO", "A", "B", "X1", "UTO", "26<<<<", "M",
                                  dt.date(2030, 1, 1)))
    assert parse(zone, today=TODAY).birth_date == "2026"


def test_impossible_dates_name_their_field() -> None:
    bad_month = TD3.replace("7408122", "7413122")
    result = parse(bad_month, today=TODAY)
    assert any(error.startswith("birth_date:") and "not a date" in error for error in result.errors)
    bad_day = TD3.replace("1204159", "1202309")
    assert any(error.startswith("expiry_date:") for error in parse(bad_day, today=TODAY).errors)
    half_known = TD3.replace("7408122", "74081<2")
    assert any(error.startswith("birth_date:") for error in parse(half_known, today=TODAY).errors)


def test_truncated_names_are_flagged() -> None:
    zone = compose(DocumentFields(MrzFormat.TD3, "P", "UTO", "Nguyễn-Hoàng Phạm Thị", "Thanh Hương Bảoanh Diễm",
                                  "B1234567", "VNM", "880314", "F", dt.date(2031, 1, 1)))
    result = parse(zone, today=TODAY)
    assert result.valid, result.errors
    assert result.names_truncated is True
    assert result.surname == "NGUYEN HOANG PHAM THI"
    assert result.given_names is not None
    assert "THANH HUONG BAOANH DIEM".startswith(result.given_names)
    assert not parse(TD3, today=TODAY).names_truncated


def test_transliteration_of_names() -> None:
    assert transliterate("Đặng Thị Ánh") == "DANG<THI<ANH"
    assert transliterate("O'Brien-Smith") == "OBRIEN<SMITH"
    assert transliterate("Müller") == "MUELLER"


def test_german_state_code_with_fillers() -> None:
    zone = compose(DocumentFields(MrzFormat.TD3, "P", "D", "Mustermann", "Erika", "C01X00T47", "D", "830812",
                                  "F", dt.date(2031, 10, 31)))
    assert zone.startswith("P<D<<MUSTERMANN<<ERIKA<")
    result = parse(zone, today=TODAY)
    assert result.valid, result.errors
    assert (result.issuing_state, result.nationality) == ("D", "D")


def test_state_codes_with_digits_are_refused() -> None:
    result = parse(TD3.replace("P<UTO", "P<U1O"), today=TODAY)
    assert any(error.startswith("issuing_state:") for error in result.errors)


@pytest.mark.parametrize("code", ["VNM", "CHN", "XXA", "XXB", "XXC", "XXX", "GBN", "UNO", "ANT"])
def test_special_and_withdrawn_codes_are_known(code: str) -> None:
    zone = TD3.replace("L898902C36UTO", f"L898902C36{code}")
    result = parse(zone, today=TODAY)
    assert result.valid, result.errors
    assert result.nationality == code


@pytest.mark.parametrize(("old", "new", "field"), [("P<UTO", "P<ZZZ", "issuing_state"),
                                                   ("L898902C36UTO", "L898902C36QQ<", "nationality")])
def test_unknown_state_codes_name_their_field(old: str, new: str, field: str) -> None:
    result = parse(TD3.replace(old, new), today=TODAY)
    assert not result.valid
    assert [error.split(":")[0] for error in result.errors] == [field]


def test_vietnamese_citizen_id_card_carries_the_twelve_digit_number_in_optional_data() -> None:
    card = compose(DocumentFields(MrzFormat.TD1, "ID", "VNM", "Nguyễn", "Văn An", "088012345", "VNM", "880314",
                                  "M", dt.date(2028, 3, 14), optional_data="001088012345<<2"))
    assert card.split("\n")[0] == "IDVNM0880123455001088012345<<2"
    result = parse(card, today=TODAY)
    assert result.valid, result.errors
    assert result.document_code == "ID"
    assert result.document_number == "088012345"
    assert result.citizen_number == "001088012345"
    assert (result.surname, result.given_names) == ("NGUYEN", "VAN AN")


def test_reader_input_lowercase_stray_spaces_and_line_endings() -> None:
    typed = " p<utoeriksson<<anna<maria<<<<<<<<<<<<<<<<<<<\r\nL898902C36 UTO7408122F1204159ZE184226B<<<<<10 \r\n"
    assert parse(typed, today=TODAY) == parse(TD3, today=TODAY)
    assert parse(TD3.replace("\n", "\r"), today=TODAY).valid
    assert parse("\x02" + TD3.replace("\n", "\t") + "\x03\r\n", today=TODAY) == parse(TD3, today=TODAY)


@pytest.mark.parametrize("zone", [TD1, TD2, TD3])
def test_a_zone_pasted_as_one_line_is_split_at_its_width(zone: str) -> None:
    assert parse(zone.replace("\n", ""), today=TODAY) == parse(zone, today=TODAY)


@pytest.mark.parametrize(
    ("zone", "expected_format", "fragment"),
    [
        (TD3.split("\n")[0], None, "1 line(s)"),
        (TD3 + "\n" + TD3.split("\n")[0], None, "3 line(s)"),
        (TD3[:-1], MrzFormat.TD3, "line 2: 43 characters, TD3 has 44"),
        (TD1.replace("\nERIKSSON<<ANNA<MARIA<<<<<<<<<<", "\nERIKSSON<<ANNA"), MrzFormat.TD1, "line 3: 14 characters"),
        ("", None, "no lines"),
        (TD3.replace("ERIKSSON", "ERIK$SON"), MrzFormat.TD3, "'$' is not allowed"),
    ],
)
def test_wrong_shapes_are_reported_not_raised(zone: str, expected_format: MrzFormat | None, fragment: str) -> None:
    result = parse(zone, today=TODAY)
    assert not result.valid
    assert result.format is expected_format
    assert any(fragment in error for error in result.errors), result.errors
    assert result.as_json()["surname"] is None


def test_wrong_document_code_and_sex_name_their_fields() -> None:
    assert any(e.startswith("document_code:") for e in parse(TD3.replace("P<UTO", "I<UTO", 1), today=TODAY).errors)
    result = parse(TD3.replace("7408122F", "7408122Q"), today=TODAY)
    assert any(error.startswith("sex:") for error in result.errors)
    unspecified = parse(TD3.replace("7408122F", "7408122<"), today=TODAY)
    assert unspecified.sex == "X"


def test_digits_in_the_name_field_are_refused() -> None:
    result = parse(TD3.replace("ANNA", "ANN4"), today=TODAY)
    assert any(error.startswith("name:") for error in result.errors)


def test_blocks_are_split_on_blank_lines_in_order() -> None:
    text = f"\n{TD3}\n\n  \n{TD1}\r\n\r\nnot an mrz\n\n{MRVB}\n"
    assert len(split_blocks(text)) == 4
    results = parse_blocks(text, today=TODAY)
    assert [r.format for r in results] == [MrzFormat.TD3, MrzFormat.TD1, None, MrzFormat.MRVB]
    assert [r.valid for r in results] == [True, True, False, True]


def test_today_defaults_to_the_current_date() -> None:
    result = mrz.parse(TD3)
    assert result.expired is True
    assert result.birth_date == "1974-08-12"
