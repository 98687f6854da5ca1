"""Properties of zone reading: any zone written from fields reads back to them; nothing crashes."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from borderlink.gates.mrz import LAYOUTS, MrzFormat, char_value, check_digit, parse
from borderlink.gates.mrz_compose import DocumentFields, compose

TODAY = dt.date(2026, 12, 1)
ZONE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789<"

words = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=8)
states = st.sampled_from(["UTO", "VNM", "CHN", "D", "XXA", "XXB", "XXX", "GBR"])
alnum = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=9)
births = st.dates(min_value=dt.date(TODAY.year - 99, 1, 1), max_value=TODAY)
expiries = st.dates(min_value=dt.date(TODAY.year - 79, 1, 1), max_value=dt.date(TODAY.year + 20, 12, 31))
formats = st.sampled_from(list(MrzFormat))


@st.composite
def documents(draw: st.DrawFn) -> DocumentFields:
    form = draw(formats)
    code = {"TD3": "P", "MRVA": "V", "MRVB": "V"}.get(form.value, draw(st.sampled_from(["I", "ID", "AC", "C"])))
    long_numbers = form in (MrzFormat.TD1, MrzFormat.TD2)
    number = draw(alnum) + (draw(st.text(alphabet="0123456789", max_size=5)) if long_numbers else "")
    optional_width = {MrzFormat.TD1: 15, MrzFormat.TD2: 7, MrzFormat.TD3: 14, MrzFormat.MRVA: 16, MrzFormat.MRVB: 8}
    room = optional_width[form] - (len(number) - 7 if len(number) > 9 else 0)
    optional = draw(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", max_size=max(0, room)))
    return DocumentFields(
        format=form,
        document_code=code,
        issuing_state=draw(states),
        surname=" ".join(draw(st.lists(words, min_size=1, max_size=2))),
        given_names=" ".join(draw(st.lists(words, max_size=3))),
        document_number=number,
        nationality=draw(states),
        birth_date=draw(births).strftime("%y%m%d"),
        sex=draw(st.sampled_from(["M", "F", "X"])),
        expiry_date=draw(expiries),
        optional_data=optional,
    )


def _full_birth(fields: DocumentFields) -> str:
    return dt.datetime.strptime(fields.birth_date, "%y%m%d").date().isoformat()


@settings(max_examples=300, deadline=None)
@given(fields=documents(), birth=births)
def test_written_zones_read_back_to_their_fields(fields: DocumentFields, birth: dt.date) -> None:
    fields = DocumentFields(**{**_as_dict(fields), "birth_date": birth.strftime("%y%m%d")})
    result = parse(compose(fields), today=TODAY)
    assert result.valid, (compose(fields), result.errors)
    assert result.format is fields.format
    assert result.document_number == fields.document_number
    assert result.issuing_state == fields.issuing_state
    assert result.nationality == fields.nationality
    assert result.birth_date == birth.isoformat()
    assert result.expiry_date == fields.expiry_date
    assert result.expired == (fields.expiry_date < TODAY)
    assert result.sex == fields.sex
    assert result.optional_data == fields.optional_data
    width = LAYOUTS[fields.format].width - (0 if fields.format is MrzFormat.TD1 else 5)
    written = f"{fields.surname}<<{fields.given_names}" if fields.given_names else fields.surname
    if len(written) <= width:
        # A name that fills its field ends in a letter, so it reads as possibly cut.
        assert result.names_truncated is (len(written) == width)
        assert (result.surname, result.given_names) == (fields.surname, fields.given_names)
    else:
        # A cut name reads as a prefix of the written one.
        read = f"{result.surname}<<{result.given_names}" if result.given_names else str(result.surname)
        assert written.replace(" ", "<").startswith(read.replace(" ", "<"))


def _as_dict(fields: DocumentFields) -> dict[str, object]:
    return {name: getattr(fields, name) for name in DocumentFields.__slots__}


# (line, first, last) of the fields each format protects with a check digit.
CHECKED = {
    MrzFormat.TD1: [(0, 5, 13), (1, 0, 5), (1, 8, 13)],
    **{form: [(1, 0, 8), (1, 13, 18), (1, 21, 26)] for form in (MrzFormat.TD2, MrzFormat.TD3, MrzFormat.MRVA,
                                                                   MrzFormat.MRVB)},
}


@settings(max_examples=300, deadline=None)
@given(fields=documents(), which=st.integers(0, 2), offset=st.integers(0, 8), char=st.sampled_from(ZONE_CHARS))
def test_a_changed_character_in_a_checked_field_is_caught(
    fields: DocumentFields, which: int, offset: int, char: str
) -> None:
    zone = compose(fields).split("\n")
    line, first, last = CHECKED[fields.format][which]
    position = first + offset % (last - first + 1)
    original = zone[line][position]
    zone[line] = zone[line][:position] + char + zone[line][position + 1 :]
    result = parse("\n".join(zone), today=TODAY)
    # Weights 7, 3 and 1 are prime to 10: only a change by a multiple of 10 ('0' ↔ 'A' ↔ 'K') slips by.
    if char_value(char) % 10 != char_value(original) % 10:
        assert not result.valid
    else:
        assert all(result.checks.values()) or result.errors


@settings(max_examples=300, deadline=None)
@given(text=st.text(max_size=200))
def test_random_text_never_crashes(text: str) -> None:
    result = parse(text, today=TODAY)
    assert isinstance(result.as_json(), dict)
    assert result.valid or result.errors


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(st.text(alphabet=ZONE_CHARS, min_size=28, max_size=46), min_size=1, max_size=4),
    today=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2090, 12, 31)),
)
def test_zone_shaped_garbage_never_crashes(lines: list[str], today: dt.date) -> None:
    result = parse("\n".join(lines), today=today)
    payload = result.as_json()
    assert payload["valid"] is result.valid
    if result.valid:
        assert result.errors == ()


@given(data=st.text(alphabet=ZONE_CHARS, max_size=30))
def test_check_digit_is_a_single_digit(data: str) -> None:
    assert 0 <= check_digit(data) <= 9
