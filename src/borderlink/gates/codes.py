"""The gates' code lists (labels in data/codelists.json), bound to the enums its code uses."""

from __future__ import annotations

from borderlink.gates.models import CheckResult, Direction, DocumentType, HitStatus, Outcome, Purpose, Subject
from borderlink.shared import codelists

CODE_LISTS = codelists.load("borderlink.gates", {
    "gates.direction": Direction,
    "gates.document_type": DocumentType,
    "gates.purpose": Purpose,
    "gates.check_result": CheckResult,
    "gates.subject": Subject,
    "gates.hit_status": HitStatus,
    "gates.outcome": Outcome,
})
