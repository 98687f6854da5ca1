"""Writing machine-readable zones from document fields (ICAO Doc 9303 Parts 3-7).

The inverse of `mrz.parse`: names transliterated to the zone's alphabet, fillers, truncation, long
TD1/TD2 document numbers and every check digit. Used to print zones for gate records, demo data
and tests.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata

from borderlink.gates.mrz import FILLER, LAYOUTS, MrzFormat, check_digit

# Doc 9303 Part 3 transliterations of letters that do not simply lose a diacritic.
_TRANSLITERATIONS = {
    "Ä": "AE", "Ö": "OE", "Ü": "UE", "ß": "SS", "Æ": "AE", "Œ": "OE", "Ø": "OE", "Å": "AA",
    "Þ": "TH", "Ð": "D", "Đ": "D", "Ł": "L", "Ħ": "H", "Ŀ": "L", "Ĳ": "IJ",
}
_NOT_NAME = re.compile(r"[^A-Z<]")


@dataclasses.dataclass(frozen=True, slots=True)
class DocumentFields:
    format: MrzFormat
    document_code: str
    issuing_state: str
    surname: str
    given_names: str
    document_number: str
    nationality: str
    # Six characters YYMMDD; unknown parts as fillers.
    birth_date: str
    sex: str
    expiry_date: dt.date
    optional_data: str = ""


def transliterate(name: str) -> str:
    """A name in the zone's letters: diacritics removed, Đ → D, hyphens and spaces → fillers,
    apostrophes dropped."""
    upper = name.upper().replace("'", "").replace("’", "")
    spelled = "".join(_TRANSLITERATIONS.get(char, char) for char in upper)
    decomposed = unicodedata.normalize("NFD", spelled)
    letters = "".join(char for char in decomposed if not unicodedata.combining(char))
    return _NOT_NAME.sub(FILLER, letters.replace("-", FILLER).replace(" ", FILLER))


def name_field(surname: str, given_names: str, width: int) -> str:
    """Primary and secondary identifiers separated by `<<`, cut to the field's width (a cut name
    ends in a letter, which tells a reader it may be truncated)."""
    primary = transliterate(surname).strip(FILLER)
    secondary = FILLER.join(part for part in transliterate(given_names).split(FILLER) if part)
    text = f"{primary}{FILLER * 2}{secondary}" if secondary else primary
    return text[:width].rstrip(FILLER).ljust(width, FILLER)


def _field(text: str, width: int) -> str:
    if len(text) > width:
        raise ValueError(f"{text!r} does not fit a field of {width}")
    return text.ljust(width, FILLER)


def _code(text: str) -> str:
    return _field(text, 2)


def _state(text: str) -> str:
    return _field(text, 3)


def _date(moment: dt.date) -> str:
    return moment.strftime("%y%m%d")


def _with_check(data: str) -> str:
    return data + str(check_digit(data))


def _number_and_optional(number: str, optional: str, optional_width: int, may_continue: bool) -> tuple[str, str]:
    """The nine-character number field with its check digit, and the optional data field; a longer
    number continues in the optional data with its check digit, the number's own check a filler."""
    if len(number) <= 9:
        return _with_check(_field(number, 9)), _field(optional, optional_width)
    if not may_continue:
        raise ValueError(f"document number {number!r} is longer than 9 characters")
    continuation = number[9:] + str(check_digit(number)) + FILLER
    return number[:9] + FILLER, _field(continuation + optional, optional_width)


def compose(fields: DocumentFields) -> str:
    """The zone's lines joined with newlines."""
    layout = LAYOUTS[fields.format]
    birth = fields.birth_date + str(check_digit(fields.birth_date))
    expiry = _with_check(_date(fields.expiry_date))
    if fields.format is MrzFormat.TD1:
        number, optional = _number_and_optional(fields.document_number, fields.optional_data, 15, True)
        top = _code(fields.document_code) + _state(fields.issuing_state) + number + optional
        start = birth + fields.sex + expiry + _state(fields.nationality) + _field("", 11)
        middle = start + str(check_digit(top[5:30] + start[0:7] + start[8:15] + start[18:29]))
        return "\n".join([top, middle, name_field(fields.surname, fields.given_names, 30)])
    width = layout.width
    top = _code(fields.document_code) + _state(fields.issuing_state) + name_field(
        fields.surname, fields.given_names, width - 5
    )
    if fields.format is MrzFormat.TD3:
        personal = _field(fields.optional_data, 14)
        number = _with_check(_field(fields.document_number, 9))
        optional = _with_check(personal)
    else:
        optional_width = width - 28 - (1 if layout.has_composite else 0)
        number, optional = _number_and_optional(
            fields.document_number, fields.optional_data, optional_width, fields.format is MrzFormat.TD2
        )
    bottom = number + _state(fields.nationality) + birth + fields.sex + expiry + optional
    if layout.has_composite:
        bottom += str(check_digit(bottom[0:10] + bottom[13:20] + bottom[21:]))
    return "\n".join([top, bottom])
