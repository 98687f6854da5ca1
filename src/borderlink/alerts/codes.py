"""The alerts' code lists (labels in data/codelists.json), bound to the enums its code uses."""

from __future__ import annotations

from borderlink.alerts.models import (
    TIMELINE,
    Action,
    AlertKind,
    Distribution,
    DocumentType,
    Gender,
    InformationEvaluation,
    SourceEvaluation,
    Status,
    WarningFlag,
)
from borderlink.shared import codelists

CODE_LISTS = codelists.load("borderlink.alerts", {
    "alerts.kind": AlertKind,
    "alerts.status": Status,
    "alerts.action": Action,
    "alerts.warning_flag": WarningFlag,
    "alerts.source_evaluation": SourceEvaluation,
    "alerts.information_evaluation": InformationEvaluation,
    "alerts.distribution": Distribution,
    "alerts.document_type": DocumentType,
    "alerts.gender": Gender,
})

if set(CODE_LISTS["alerts.event"].values()) != set(TIMELINE.kinds):
    raise ValueError("alerts.event in data/codelists.json differs from the alert timeline's kinds")
