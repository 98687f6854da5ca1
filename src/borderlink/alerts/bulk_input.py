"""From a record of a file (or of the alert form, whose inputs are named like the CSV columns) to
the alert input the API takes (`AlertIn`), and from a problem with that input back to the column
or form input that holds the value.

An import fills what its records leave out from the command's options (`Defaults`): the offence,
the legal basis of a wanted alert, the action, the handling code, the distribution, the expiry.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Mapping
from typing import Any, TypeVar

from pydantic import BaseModel

from borderlink.alerts.bulk_read import SourceRecord
from borderlink.errors import InvalidInput

M = TypeVar("M", bound=BaseModel)
DISTRIBUTIONS = ("all", "provincial_and_central")
_DATE_ONLY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


@dataclasses.dataclass(frozen=True, slots=True)
class Defaults:
    """What every alert of an import gets unless its record says otherwise."""

    kind: str
    offence_code: str | None = None
    action: str | None = None
    handling_code: str | None = None
    legal_basis: Mapping[str, str] = dataclasses.field(default_factory=dict)
    distribution: tuple[str, ...] = ()
    expires_at: str | None = None


def _instant(text: str | None) -> str | None:
    """A bare date is midnight UTC of that day; anything else is left for the schema to judge."""
    if text and _DATE_ONLY.match(text):
        return f"{text}T00:00:00+00:00"
    return text


def _distribution(values: tuple[str, ...]) -> str | list[str] | None:
    if not values:
        return None
    if len(values) == 1 and values[0].lower() in DISTRIBUTIONS:
        return values[0].lower()
    return list(values)


def _without_empty(data: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if value not in (None, "", [], {})}


def alert_input(record: SourceRecord, defaults: Defaults) -> dict[str, Any]:
    """The body of `POST /api/v1/alerts` for one record; the record's own values win over the defaults."""
    if record.kind and record.kind != defaults.kind:
        raise InvalidInput("The row is a %(row)s alert, the import is of %(kind)s alerts.", field="kind",
                           row=record.kind, kind=defaults.kind)
    person = _without_empty({
        "names": list(record.names), "birth_date": record.birth_date, "gender": record.gender,
        "nationality": list(record.nationalities),
    }) if record.names else None
    documents = [_without_empty({"type": d.type, "number": d.number, "issuing_state": d.issuing_state,
                                 "expires_on": d.expires_on}) for d in record.documents]
    vehicles = [_without_empty({"plate": v.plate, "vin": v.vin, "make": v.make, "colour": v.colour})
                for v in record.vehicles]
    basis = {**defaults.legal_basis, **record.legal_basis}
    return _without_empty({
        "kind": defaults.kind,
        "person": person,
        "documents": documents,
        "vehicles": vehicles,
        "offence_code": record.offence_code or defaults.offence_code,
        "legal_basis": basis,
        "action": record.action or defaults.action,
        "handling_code": record.handling_code or defaults.handling_code,
        "handling_note": record.handling_note,
        "distribution": _distribution(record.distribution or defaults.distribution),
        "expires_at": _instant(record.expires_at or defaults.expires_at),
        "description": record.description,
        "warning_flags": list(record.warnings),
        "source_evaluation": record.source_evaluation,
        "information_evaluation": record.information_evaluation,
    })


def parsed(model: type[M], data: Mapping[str, Any]) -> M:
    """The input read as the API reads its JSON body (the alert's parts take JSON's types strictly)."""
    return model.model_validate_json(json.dumps(data, ensure_ascii=False))


# Where a field of the alert input comes from, as a CSV column or form input.
_PARTS = {
    ("person",): "name", ("person", "names"): "name", ("person", "birth_date"): "birth_date",
    ("person", "gender"): "gender", ("person", "nationality"): "nationality",
    ("documents",): "document_number", ("documents", "number"): "document_number",
    ("documents", "type"): "document_type", ("documents", "issuing_state"): "document_state",
    ("documents", "expires_on"): "document_expiry",
    ("vehicles",): "plate", ("vehicles", "plate"): "plate", ("vehicles", "vin"): "vin",
    ("vehicles", "make"): "make", ("vehicles", "colour"): "colour",
    ("legal_basis",): "legal_basis_reference", ("legal_basis", "reference"): "legal_basis_reference",
    ("legal_basis", "authority"): "legal_basis_authority", ("legal_basis", "date"): "legal_basis_date",
    ("warning_flags",): "warnings",
}


def input_name(field: str) -> str:
    """The column or form input of a dotted field of the alert input (`person.names.0` -> `name`)."""
    parts = tuple(part for part in field.split(".") if not part.isdigit())
    for size in (2, 1):
        if parts[:size] in _PARTS:
            return _PARTS[parts[:size]]
    return parts[0] if parts else field
