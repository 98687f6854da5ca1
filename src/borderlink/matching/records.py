"""Reading person records from JSON lines, CSV or FollowTheMoney `Person` entities."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

from borderlink.matching.models import PersonRecord

ErrorReporter = Callable[[int, str], None]

# Separators accepted between alternative names in one CSV cell.
_ALT_NAME_SEPARATORS = ("|", ";")
_FTM_NAME_PROPERTIES = ("name", "alias", "weakAlias", "previousName")


class RecordError(ValueError):
    """A line that does not hold a usable person record."""


def looks_like_csv(path: Path) -> bool:
    if path.suffix.lower() == ".csv":
        return True
    if path.suffix.lower() in (".jsonl", ".json", ".ndjson"):
        return False
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        for line in handle:
            if line.strip():
                return not line.lstrip().startswith("{")
    return False


def iter_records(path: Path, on_error: ErrorReporter) -> Iterator[PersonRecord]:
    """Records of a JSONL or CSV file; bad lines go to `on_error(line_number, reason)`."""
    if looks_like_csv(path):
        yield from _csv_records(path, on_error)
    else:
        yield from _json_records(path, on_error)


def _json_records(path: Path, on_error: ErrorReporter) -> Iterator[PersonRecord]:
    with path.open(encoding="utf-8-sig", errors="replace") as handle:
        for line_number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
                if not isinstance(data, dict):
                    raise RecordError("not a JSON object")
                record = record_from_mapping(data)
            except json.JSONDecodeError as exc:
                on_error(line_number, f"invalid JSON ({exc.msg} at column {exc.colno})")
                continue
            except RecordError as exc:
                on_error(line_number, str(exc))
                continue
            if record is not None:
                yield record


def _csv_records(path: Path, on_error: ErrorReporter) -> Iterator[PersonRecord]:
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames is None:
            return
        fields = [name.strip() for name in reader.fieldnames]
        reader.fieldnames = fields
        if "id" not in fields or "name" not in fields:
            on_error(1, "CSV header needs at least the columns id and name")
            return
        for row in reader:
            try:
                if None in row:
                    raise RecordError("more cells than header columns")
                record = record_from_mapping({key: value for key, value in row.items() if value not in (None, "")})
            except RecordError as exc:
                on_error(reader.line_num, str(exc))
                continue
            if record is not None:
                yield record


def _text(value: object, field: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RecordError(f"field {field!r} must be text")
    text = str(value).strip()
    return text or None


def _first(values: object) -> str | None:
    if isinstance(values, list):
        for value in values:
            if isinstance(value, str) and value.strip():
                return value.strip()
        return None
    return _text(values, "property")


def _alt_names(value: object) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        parts = [value]
        for separator in _ALT_NAME_SEPARATORS:
            parts = [piece for part in parts for piece in part.split(separator)]
        return tuple(part.strip() for part in parts if part.strip())
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(item.strip() for item in value if item.strip())
    raise RecordError("field 'alt_names' must be text or a list of text")


def record_from_mapping(data: Mapping[str, object]) -> PersonRecord | None:
    """A record from a plain mapping or a FollowTheMoney entity (None for other FtM schemas)."""
    if "schema" in data and "properties" in data:
        return _ftm_record(data)
    identifier = _text(data.get("id"), "id")
    name = _text(data.get("name"), "name")
    if identifier is None:
        raise RecordError("missing 'id'")
    if name is None:
        raise RecordError("missing 'name'")
    return PersonRecord(
        id=identifier,
        name=name,
        alt_names=_alt_names(data.get("alt_names")),
        birth_date=_text(data.get("birth_date"), "birth_date"),
        gender=_text(data.get("gender"), "gender"),
        nationality=_text(data.get("nationality"), "nationality"),
        document_number=_text(data.get("document_number"), "document_number"),
    )


def _ftm_record(data: Mapping[str, object]) -> PersonRecord | None:
    if data.get("schema") != "Person":
        return None
    identifier = _text(data.get("id"), "id")
    properties = data.get("properties")
    if identifier is None:
        raise RecordError("missing 'id'")
    if not isinstance(properties, dict):
        raise RecordError("'properties' must be an object")
    names: list[str] = []
    for prop in _FTM_NAME_PROPERTIES:
        values = properties.get(prop, [])
        if isinstance(values, list):
            names.extend(v.strip() for v in values if isinstance(v, str) and v.strip())
    names = list(dict.fromkeys(names))
    if not names:
        raise RecordError("Person has no name")
    return PersonRecord(
        id=identifier,
        name=names[0],
        alt_names=tuple(names[1:]),
        birth_date=_first(properties.get("birthDate")),
        gender=_first(properties.get("gender")),
        nationality=_first(properties.get("nationality")) or _first(properties.get("citizenship")),
        document_number=_first(properties.get("passportNumber")) or _first(properties.get("idNumber")),
    )
