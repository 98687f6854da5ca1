"""Machine-readable zones of travel documents (ICAO Doc 9303, 8th edition), read and checked.

Formats: TD1 (cards, 3 × 30), TD2 (2 × 36), TD3 (passport books, 2 × 44) and the visas MRV-A
(2 × 44) and MRV-B (2 × 36). Input is what a keyboard-wedge reader types or an officer pastes:
lowercase letters, stray spaces and any line endings are tolerated, and a zone pasted as one long
line is split at the format's width. Pure functions only, so the gate, the CLI and the API share
one reading.

A result is always returned, never an exception: a broken zone has `valid` False and errors that
name the failing field ("document_number: ...").
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import re
import unicodedata
from collections.abc import Iterable, Iterator

from borderlink.gates import states

FILLER = "<"
_WEIGHTS = (7, 3, 1)
_ALLOWED = re.compile(r"^[A-Z0-9<]*$")
_STATE = re.compile(r"^[A-Z]{1,3}<{0,2}$")
_DOCUMENT_NUMBER = re.compile(r"^[A-Z0-9<]+$")
# Expiry dates are at most this many years ahead; older ones are read as long past.
_EXPIRY_YEARS_AHEAD = 20


class MrzFormat(enum.StrEnum):
    TD1 = "TD1"
    TD2 = "TD2"
    TD3 = "TD3"
    MRVA = "MRVA"
    MRVB = "MRVB"


@dataclasses.dataclass(frozen=True, slots=True)
class Layout:
    format: MrzFormat
    lines: int
    width: int
    # First character(s) of the document code this layout allows.
    code_letters: str
    has_composite: bool


LAYOUTS = {
    MrzFormat.TD1: Layout(MrzFormat.TD1, 3, 30, "ACI", True),
    MrzFormat.TD2: Layout(MrzFormat.TD2, 2, 36, "ACI", True),
    MrzFormat.TD3: Layout(MrzFormat.TD3, 2, 44, "P", True),
    MrzFormat.MRVA: Layout(MrzFormat.MRVA, 2, 44, "V", False),
    MrzFormat.MRVB: Layout(MrzFormat.MRVB, 2, 36, "V", False),
}


def char_value(char: str) -> int:
    """Digits as themselves, A-Z as 10-35, the filler as 0."""
    if char.isdigit():
        return int(char)
    if "A" <= char <= "Z":
        return ord(char) - ord("A") + 10
    return 0


def check_digit(data: str) -> int:
    """Doc 9303 Part 3: weights 7, 3, 1 repeating, sum modulo 10."""
    return sum(char_value(char) * _WEIGHTS[i % 3] for i, char in enumerate(data)) % 10


@dataclasses.dataclass(frozen=True, slots=True)
class MrzResult:
    format: MrzFormat | None
    document_code: str | None = None
    issuing_state: str | None = None
    surname: str | None = None
    given_names: str | None = None
    document_number: str | None = None
    nationality: str | None = None
    # ISO 8601, reduced to "YYYY-MM" or "YYYY" when the zone marks the day or month unknown.
    birth_date: str | None = None
    expiry_date: dt.date | None = None
    sex: str | None = None
    optional_data: str | None = None
    checks: dict[str, bool] = dataclasses.field(default_factory=dict)
    errors: tuple[str, ...] = ()
    expired: bool | None = None
    # The name field ends in a letter: the name may have been cut; match it on its prefix.
    names_truncated: bool = False
    lines: tuple[str, ...] = ()

    @property
    def valid(self) -> bool:
        return self.format is not None and not self.errors and all(self.checks.values())

    @property
    def citizen_number(self) -> str | None:
        """Viet Nam's citizen ID card (CCCD) carries the 12-digit citizen number in its optional data."""
        if self.format is not MrzFormat.TD1 or self.issuing_state != "VNM" or not self.optional_data:
            return None
        match = re.match(r"^(\d{12})(?:\s|$)", self.optional_data)
        return match.group(1) if match else None

    def as_json(self) -> dict[str, object]:
        """The fields the CLI and the API answer with, in this order."""
        return {
            "format": self.format.value if self.format else None,
            "valid": self.valid,
            "document_code": self.document_code,
            "issuing_state": self.issuing_state,
            "surname": self.surname,
            "given_names": self.given_names,
            "document_number": self.document_number,
            "nationality": self.nationality,
            "birth_date": self.birth_date,
            "expiry_date": self.expiry_date.isoformat() if self.expiry_date else None,
            "sex": self.sex,
            "optional_data": self.optional_data,
            "checks": dict(self.checks),
            "errors": list(self.errors),
        }


# ---------------------------------------------------------------------------------------------
# Input as typed or pasted


def _clean_line(line: str) -> str:
    # Only ASCII letters are folded: "ß".upper() would change the line's length. Control characters
    # are dropped: some readers frame what they type with STX/ETX.
    return "".join(
        char.upper() if "a" <= char <= "z" else char
        for char in line
        if not char.isspace() and unicodedata.category(char) != "Cc"
    )


def normalise_lines(text: str) -> list[str]:
    """The zone's lines without spaces, line endings or lowercase; a one-line paste is split."""
    lines = [cleaned for line in text.splitlines() if (cleaned := _clean_line(line))]
    if len(lines) == 1:
        joined = lines[0]
        for layout in (LAYOUTS[MrzFormat.TD1], LAYOUTS[MrzFormat.TD2], LAYOUTS[MrzFormat.TD3]):
            if len(joined) == layout.lines * layout.width:
                return [joined[i : i + layout.width] for i in range(0, len(joined), layout.width)]
    return lines


def iter_blocks(lines: Iterable[str]) -> Iterator[str]:
    """Zones separated by one or more blank (or whitespace-only) lines, in order, as they come."""
    current: list[str] = []
    for line in lines:
        if line.strip():
            current.append(line.rstrip("\r\n"))
        elif current:
            yield "\n".join(current)
            current = []
    if current:
        yield "\n".join(current)


def split_blocks(text: str) -> list[str]:
    return list(iter_blocks(text.splitlines()))


def _layout_for(lines: list[str]) -> Layout | None:
    if len(lines) == 3 and len(lines[0]) == 30:
        return LAYOUTS[MrzFormat.TD1]
    if len(lines) == 2 and len(lines[0]) in (36, 44):
        is_visa = lines[0].startswith("V")
        if len(lines[0]) == 44:
            return LAYOUTS[MrzFormat.MRVA if is_visa else MrzFormat.TD3]
        return LAYOUTS[MrzFormat.MRVB if is_visa else MrzFormat.TD2]
    return None


# ---------------------------------------------------------------------------------------------
# Field readers


def _collapse(text: str) -> str:
    """Fillers as single spaces, none at either end."""
    return " ".join(part for part in text.split(FILLER) if part)


class _Reader:
    """Collects the checks and the errors of one zone while its fields are read."""

    def __init__(self, today: dt.date) -> None:
        self.today = today
        self.checks: dict[str, bool] = {}
        self.errors: list[str] = []

    def error(self, field: str, message: str) -> None:
        self.errors.append(f"{field}: {message}")

    def verify(self, name: str, data: str, digit: str, *, empty_may_be_filler: bool = False) -> bool:
        """Record check `name`: `digit` must be the check digit of `data`. An empty optional field
        may carry a filler instead of a digit."""
        if empty_may_be_filler and digit == FILLER and set(data) <= {FILLER}:
            ok = True
        elif not digit.isdigit():
            ok = False
            self.error(name, f"check digit {digit!r} is not a digit")
        else:
            expected = check_digit(data)
            ok = int(digit) == expected
            if not ok:
                self.error(name, f"check digit is {digit}, computed {expected}")
        self.checks[name] = ok
        return ok

    def document_code(self, code: str, layout: Layout) -> str | None:
        if code[0] not in layout.code_letters or not (code[1].isalpha() or code[1] == FILLER):
            letters = ", ".join(layout.code_letters)
            self.error("document_code", f"{code!r} is not a {layout.format} document code (starts with {letters})")
            return None
        return code.rstrip(FILLER)

    def state(self, field: str, code: str) -> str | None:
        if not _STATE.match(code):
            self.error(field, f"{code!r} is not a state code (letters, then fillers)")
            return None
        if not states.is_known(code.rstrip(FILLER)):
            self.error(field, f"{code!r} is not a state or organisation code of Doc 9303")
            return None
        return code.rstrip(FILLER)

    def names(self, field: str) -> tuple[str | None, str | None, bool]:
        if not re.fullmatch(r"[A-Z<]+", field):
            self.error("name", "only letters and fillers are allowed in the name field")
            return None, None, False
        primary, _, secondary = field.rstrip(FILLER).partition(FILLER * 2)
        surname = _collapse(primary)
        if not surname and not secondary.strip(FILLER):
            self.error("name", "the name field is empty")
            return None, None, False
        return surname, _collapse(secondary), not field.endswith(FILLER)

    def number(self, text: str) -> str | None:
        number = text.replace(FILLER, "")
        if not number:
            self.error("document_number", "the document number is empty")
            return None
        if not _DOCUMENT_NUMBER.match(text):
            self.error("document_number", f"{text!r} holds characters other than letters and digits")
            return None
        return number

    def sex(self, char: str) -> str | None:
        if char in ("M", "F"):
            return char
        if char in ("X", FILLER):
            return "X"
        self.error("sex", f"{char!r} is not M, F, X or a filler")
        return None

    def birth_date(self, text: str) -> str | None:
        parts = [text[0:2], text[2:4], text[4:6]]
        if any(part != FILLER * 2 and not part.isdigit() for part in parts):
            self.error("birth_date", f"{text!r} is not YYMMDD (unknown parts as fillers)")
            return None
        year_part, month_part, day_part = parts
        if not year_part.isdigit():
            return None
        month = int(month_part) if month_part.isdigit() else 0
        day = int(day_part) if day_part.isdigit() else 0
        if month > 12 or (month_part.isdigit() and month == 0) or (day_part.isdigit() and not 1 <= day <= 31):
            self.error("birth_date", f"{text!r} is not a date")
            return None
        year = self._birth_year(int(year_part), month, day)
        if month and day:
            try:
                return dt.date(year, month, day).isoformat()
            except ValueError:
                self.error("birth_date", f"{text!r} is not a date")
                return None
        return f"{year:04d}-{month:02d}" if month else f"{year:04d}"

    def _birth_year(self, two_digits: int, month: int, day: int) -> int:
        """The latest century that does not put the birth after today, comparing known parts only."""
        year = self.today.year - self.today.year % 100 + two_digits
        known = (year, month or 1, day or 1)
        if known > (self.today.year, self.today.month if month else 1, self.today.day if day else 1):
            year -= 100
        return year

    def expiry_date(self, text: str) -> dt.date | None:
        if not text.isdigit():
            self.error("expiry_date", f"{text!r} is not YYMMDD")
            return None
        year = self.today.year - self.today.year % 100 + int(text[0:2])
        if year > self.today.year + _EXPIRY_YEARS_AHEAD:
            year -= 100
        elif year <= self.today.year + _EXPIRY_YEARS_AHEAD - 100:
            year += 100
        try:
            return dt.date(year, int(text[2:4]), int(text[4:6]))
        except ValueError:
            self.error("expiry_date", f"{text!r} is not a date")
            return None

    def expired(self, expiry: dt.date | None) -> bool | None:
        return None if expiry is None else expiry < self.today

    def long_number(self, head: str, optional: str) -> tuple[str, str, str]:
        """TD1/TD2 numbers longer than nine characters: the rest and its check digit open the
        optional data, ended by a filler. Returns (full number, check digit, optional data left)."""
        tail = optional.split(FILLER, 1)[0]
        if len(tail) < 2:
            self.error("document_number", "check digit is a filler but the optional data holds no continuation")
            return head, FILLER, optional
        return head + tail[:-1], tail[-1], optional[len(tail) :]


# ---------------------------------------------------------------------------------------------
# Layouts


def _read_td1(lines: list[str], reader: _Reader) -> MrzResult:
    top, middle, bottom = lines
    layout = LAYOUTS[MrzFormat.TD1]
    number_text, number_check, optional_top = top[5:14], top[14], top[15:30]
    if number_check == FILLER:
        number_text, number_check, optional_top = reader.long_number(number_text, optional_top)
    document_code = reader.document_code(top[0:2], layout)
    issuing_state = reader.state("issuing_state", top[2:5])
    document_number = reader.number(number_text)
    birth_date = reader.birth_date(middle[0:6])
    sex = reader.sex(middle[7])
    expiry_date = reader.expiry_date(middle[8:14])
    nationality = reader.state("nationality", middle[15:18])
    surname, given_names, truncated = reader.names(bottom)
    reader.verify("document_number", number_text, number_check)
    reader.verify("birth_date", middle[0:6], middle[6])
    reader.verify("expiry_date", middle[8:14], middle[14])
    reader.verify("composite", top[5:30] + middle[0:7] + middle[8:15] + middle[18:29], middle[29])
    return MrzResult(
        format=layout.format, document_code=document_code, issuing_state=issuing_state, surname=surname,
        given_names=given_names, document_number=document_number, nationality=nationality,
        birth_date=birth_date, expiry_date=expiry_date, sex=sex,
        optional_data=" ".join(part for part in (_collapse(optional_top), _collapse(middle[18:29])) if part),
        checks=reader.checks, errors=tuple(reader.errors), expired=reader.expired(expiry_date),
        names_truncated=truncated, lines=tuple(lines),
    )


def _read_two_lines(lines: list[str], layout: Layout, reader: _Reader) -> MrzResult:
    top, bottom = lines
    width = layout.width
    number_text, number_check = bottom[0:9], bottom[9]
    personal_check: str | None = None
    if layout.format is MrzFormat.TD3:
        optional, personal_check = bottom[28:42], bottom[42]
    elif layout.has_composite:
        optional = bottom[28 : width - 1]
    else:
        optional = bottom[28:width]
    if number_check == FILLER and layout.format is MrzFormat.TD2:
        number_text, number_check, optional = reader.long_number(number_text, optional)
    document_code = reader.document_code(top[0:2], layout)
    issuing_state = reader.state("issuing_state", top[2:5])
    surname, given_names, truncated = reader.names(top[5:width])
    document_number = reader.number(number_text)
    nationality = reader.state("nationality", bottom[10:13])
    birth_date = reader.birth_date(bottom[13:19])
    sex = reader.sex(bottom[20])
    expiry_date = reader.expiry_date(bottom[21:27])
    reader.verify("document_number", number_text, number_check)
    reader.verify("birth_date", bottom[13:19], bottom[19])
    reader.verify("expiry_date", bottom[21:27], bottom[27])
    if personal_check is not None:
        reader.verify("optional_data", bottom[28:42], personal_check, empty_may_be_filler=True)
    if layout.has_composite:
        reader.verify("composite", bottom[0:10] + bottom[13:20] + bottom[21 : width - 1], bottom[width - 1])
    return MrzResult(
        format=layout.format, document_code=document_code, issuing_state=issuing_state, surname=surname,
        given_names=given_names, document_number=document_number, nationality=nationality,
        birth_date=birth_date, expiry_date=expiry_date, sex=sex, optional_data=_collapse(optional),
        checks=reader.checks, errors=tuple(reader.errors), expired=reader.expired(expiry_date),
        names_truncated=truncated, lines=tuple(lines),
    )


def _shape_errors(lines: list[str], layout: Layout | None) -> list[str]:
    if not lines:
        return ["mrz: no lines"]
    if layout is None:
        lengths = ", ".join(str(len(line)) for line in lines)
        return [
            f"mrz: {len(lines)} line(s) of {lengths} characters; a zone has 3 lines of 30 (TD1) "
            "or 2 lines of 36 (TD2, MRV-B) or 44 (TD3, MRV-A)"
        ]
    found = [
        f"line {number}: {len(line)} characters, {layout.format} has {layout.width}"
        for number, line in enumerate(lines, start=1)
        if len(line) != layout.width
    ]
    for number, line in enumerate(lines, start=1):
        if not _ALLOWED.match(line):
            bad = next(char for char in line if not _ALLOWED.match(char))
            found.append(f"line {number}: {bad!r} is not allowed (only A-Z, 0-9 and <)")
    return found


def parse(text: str, *, today: dt.date | None = None) -> MrzResult:
    """Read one zone. `today` fixes the century of two-digit years and whether it has expired."""
    today = today or dt.datetime.now(dt.UTC).date()
    lines = normalise_lines(text)
    layout = _layout_for(lines)
    shape_errors = _shape_errors(lines, layout)
    if layout is None or shape_errors:
        return MrzResult(format=layout.format if layout else None, errors=tuple(shape_errors), lines=tuple(lines))
    reader = _Reader(today)
    if layout.format is MrzFormat.TD1:
        return _read_td1(lines, reader)
    return _read_two_lines(lines, layout, reader)


def parse_blocks(text: str, *, today: dt.date | None = None) -> list[MrzResult]:
    """Every zone of a text whose zones are separated by blank lines, in order."""
    return [parse(block, today=today) for block in split_blocks(text)]
