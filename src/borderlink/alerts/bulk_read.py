"""Reading alert subjects from a file: FollowTheMoney `Person` entities (JSON lines) or CSV with a header.

A file holds one subject per record. A record that cannot be read becomes a `BadLine` with the
number of the line it starts on and the reason, and reading goes on with the next one; a record
that can be read becomes a `SourceRecord`, still to be checked by the alert schema and the
service like any other alert. Both formats carry the same fields, so an exported file reads back.

FollowTheMoney's properties (schema `Person`): `name`, `alias`, `previousName` give the names
(`weakAlias` is left out, as matching leaves it out), `birthDate`, `gender`, `nationality` and
`citizenship`, `passportNumber` and `idNumber`, and `notes`/`summary`/`description` the
description. Properties that an alert must never rest on (`religion`, `political`, `ethnicity`)
are not taken over, and the record says so.
"""

from __future__ import annotations

import csv
import dataclasses
import json
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

import pycountry

from borderlink.matching.records import looks_like_csv

# Separators between several values in one CSV cell (aliases, nationalities, warning flags).
VALUE_SEPARATOR = "|"
_SEPARATORS = ("|", ";", "\n")
FTM_NAME_PROPERTIES = ("name", "alias", "previousName")
FTM_TEXT_PROPERTIES = ("notes", "summary", "description")
# Grounds an alert may not rest on (INTERPOL's Art. 3): read, never imported.
FTM_LEFT_OUT = ("religion", "political", "ethnicity")
# Genders as alerts store them (F, M, X) from FollowTheMoney's words and the usual letters.
_GENDERS = {"female": "F", "f": "F", "male": "M", "m": "M", "other": "X", "x": "X", "unknown": "X"}

# The CSV columns, in the order an export writes them. `name` (or a document or plate column)
# is what a header needs at least.
CSV_COLUMNS = (
    "id", "kind", "name", "aliases", "birth_date", "gender", "nationality", "description", "warnings",
    "document_type", "document_number", "document_state", "document_expiry", "plate", "vin", "make", "colour",
    "offence_code", "action", "handling_code", "handling_note", "legal_basis_reference", "legal_basis_authority",
    "legal_basis_date", "distribution", "source_evaluation", "information_evaluation", "expires_at",
)
_SUBJECT_COLUMNS = ("name", "document_number", "plate")


@dataclasses.dataclass(frozen=True, slots=True)
class SourceDocument:
    number: str
    type: str = "passport"
    issuing_state: str | None = None
    expires_on: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class SourceVehicle:
    plate: str | None = None
    vin: str | None = None
    make: str | None = None
    colour: str | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class SourceRecord:
    """One subject as the file gives it. Alert-level fields (`offence_code`, `action`...) are
    set only when the record itself carries them; the command's options fill in the rest."""

    line: int
    source_id: str | None
    names: tuple[str, ...] = ()
    birth_date: str | None = None
    gender: str | None = None
    nationalities: tuple[str, ...] = ()
    description: str | None = None
    warnings: tuple[str, ...] = ()
    documents: tuple[SourceDocument, ...] = ()
    vehicles: tuple[SourceVehicle, ...] = ()
    kind: str | None = None
    offence_code: str | None = None
    action: str | None = None
    handling_code: str | None = None
    handling_note: str | None = None
    legal_basis: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # `all`, `provincial_and_central`, or border-gate unit codes.
    distribution: tuple[str, ...] = ()
    source_evaluation: str | None = None
    information_evaluation: str | None = None
    expires_at: str | None = None
    # What the file gave that was not taken over, for the report.
    left_out: tuple[str, ...] = ()


@dataclasses.dataclass(frozen=True, slots=True)
class BadLine:
    line: int
    reason: str


class _Unreadable(ValueError):
    """A record that holds no usable subject."""


def gender_code(value: str | None) -> str | None:
    """F, M or X from FollowTheMoney's `female`/`male`/`other` or the letters; anything else as given
    (the alert schema then names it as not one of the offered values)."""
    if value is None or not value.strip():
        return None
    return _GENDERS.get(value.strip().lower(), value.strip())


def state_code(value: str) -> str:
    """An ISO 3166 alpha-3 code (as alerts and travel documents use) from alpha-2 (as FollowTheMoney
    uses: `cn`) or alpha-3; anything else as given, upper-case, for the schema to judge."""
    text = value.strip().upper()
    if len(text) == 2:
        country = pycountry.countries.get(alpha_2=text)
        if country is not None:
            return str(country.alpha_3)
    return text


def alpha_2(code: str) -> str | None:
    """FollowTheMoney's lower-case alpha-2 country code for an alpha-3 code, if it has one."""
    country = pycountry.countries.get(alpha_3=code.upper()) if len(code) == 3 else None
    return str(country.alpha_2).lower() if country is not None else None


def _states(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(state_code(value) for value in values))


def file_format(path: Path) -> str:
    """`csv` or `ftm`: by the file's extension, else by its first non-empty line."""
    return "csv" if looks_like_csv(path) else "ftm"


def count_records(path: Path) -> int:
    """How many records the file holds at most (non-empty lines; a CSV's header not counted), for
    the progress bar. A CSV cell spanning lines makes this an over-estimate, never an under-one."""
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        lines = sum(1 for line in handle if line.strip())
    return max(0, lines - 1) if file_format(path) == "csv" else lines


def read_records(path: Path) -> Iterator[SourceRecord | BadLine]:
    if file_format(path) == "csv":
        yield from _csv_records(path)
    else:
        yield from _ftm_records(path)


# FollowTheMoney JSON lines ----------------------------------------------------------------------

def _ftm_records(path: Path) -> Iterator[SourceRecord | BadLine]:
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                yield BadLine(number, f"invalid JSON ({exc.msg} at column {exc.colno})")
                continue
            try:
                yield ftm_record(data, number)
            except _Unreadable as exc:
                yield BadLine(number, str(exc))


def _ftm_values(properties: Mapping[str, object], name: str) -> list[str]:
    values = properties.get(name, [])
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list):
        raise _Unreadable(f"property {name!r} must be a list of text")
    return [value.strip() for value in values if isinstance(value, str) and value.strip()]


def ftm_record(data: object, line: int) -> SourceRecord:
    """A FollowTheMoney `Person` entity as a record."""
    if not isinstance(data, dict):
        raise _Unreadable("not a JSON object")
    schema = data.get("schema")
    if schema != "Person":
        raise _Unreadable(f"schema {schema!r} is not Person" if schema else "no 'schema' (not a FollowTheMoney entity)")
    properties = data.get("properties")
    if not isinstance(properties, dict):
        raise _Unreadable("'properties' must be an object")
    identifier = data.get("id")
    names = list(dict.fromkeys(v for prop in FTM_NAME_PROPERTIES for v in _ftm_values(properties, prop)))
    if not names:
        raise _Unreadable("the Person has no name")
    genders = _ftm_values(properties, "gender")
    nationalities = _states(v for prop in ("nationality", "citizenship") for v in _ftm_values(properties, prop))
    documents = [SourceDocument(number=n, type="passport") for n in _ftm_values(properties, "passportNumber")]
    documents += [SourceDocument(number=n, type="identity_card") for n in _ftm_values(properties, "idNumber")]
    text = [v for prop in FTM_TEXT_PROPERTIES for v in _ftm_values(properties, prop)]
    births = _ftm_values(properties, "birthDate")
    return SourceRecord(
        line=line, source_id=str(identifier) if isinstance(identifier, str | int) and identifier != "" else None,
        names=tuple(names), birth_date=births[0] if births else None,
        gender=gender_code(genders[0]) if genders else None, nationalities=nationalities,
        description="\n".join(dict.fromkeys(text)) or None,
        documents=tuple(dict.fromkeys(documents)),
        left_out=tuple(prop for prop in FTM_LEFT_OUT if _ftm_values(properties, prop)),
    )


# CSV with a header ------------------------------------------------------------------------------

def _cell(row: Mapping[str, str | None], column: str) -> str | None:
    value = row.get(column)
    text = value.strip() if isinstance(value, str) else ""
    return text or None


def _several(row: Mapping[str, str | None], column: str) -> tuple[str, ...]:
    parts = [_cell(row, column) or ""]
    for separator in _SEPARATORS:
        parts = [piece for part in parts for piece in part.split(separator)]
    return tuple(dict.fromkeys(part.strip() for part in parts if part.strip()))


def _csv_records(path: Path) -> Iterator[SourceRecord | BadLine]:
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None:
            return
        header = [name.strip() for name in reader.fieldnames]
        reader.fieldnames = header
        if not any(column in header for column in _SUBJECT_COLUMNS):
            yield BadLine(1, "the CSV header needs a column name, document_number or plate")
            return
        unknown = [column for column in header if column and column not in CSV_COLUMNS]
        if unknown:
            yield BadLine(1, f"unknown columns {', '.join(unknown)} (known: {', '.join(CSV_COLUMNS)})")
            return
        start = reader.line_num + 1
        for row in reader:
            try:
                if None in row:
                    raise _Unreadable("more cells than the header has columns")
                yield csv_record(row, start)
            except _Unreadable as exc:
                yield BadLine(start, str(exc))
            start = reader.line_num + 1


def csv_record(row: Mapping[str, str | None], line: int, *, require_subject: bool = True) -> SourceRecord:
    """One CSV row as a record: names in `name` and `aliases`, one document and one vehicle. A row
    of a file must name a subject; the alert form leaves that to the alert schema to say."""
    names = tuple(dict.fromkeys([*_several(row, "name"), *_several(row, "aliases")]))
    number = _cell(row, "document_number")
    documents = (SourceDocument(number=number, type=_cell(row, "document_type") or "passport",
                                issuing_state=state_code(_cell(row, "document_state") or "") or None,
                                expires_on=_cell(row, "document_expiry")),) if number else ()
    vehicle = SourceVehicle(plate=_cell(row, "plate"), vin=_cell(row, "vin"), make=_cell(row, "make"),
                            colour=_cell(row, "colour"))
    vehicles = (vehicle,) if vehicle.plate or vehicle.vin else ()
    if require_subject and not (names or documents or vehicles):
        raise _Unreadable("the row names no person, document or vehicle")
    basis = {key: value for key in ("reference", "authority", "date")
             if (value := _cell(row, f"legal_basis_{key}")) is not None}
    return SourceRecord(
        line=line, source_id=_cell(row, "id"), names=names, birth_date=_cell(row, "birth_date"),
        gender=gender_code(_cell(row, "gender")), nationalities=_states(_several(row, "nationality")),
        description=_cell(row, "description"), warnings=_several(row, "warnings"),
        documents=documents, vehicles=vehicles, kind=_cell(row, "kind"), offence_code=_cell(row, "offence_code"),
        action=_cell(row, "action"), handling_code=(_cell(row, "handling_code") or "").upper() or None,
        handling_note=_cell(row, "handling_note"), legal_basis=basis, distribution=_several(row, "distribution"),
        source_evaluation=(_cell(row, "source_evaluation") or "").upper() or None,
        information_evaluation=_cell(row, "information_evaluation"), expires_at=_cell(row, "expires_at"),
    )
