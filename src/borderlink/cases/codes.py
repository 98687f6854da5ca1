"""The cases domain's code lists (labels in data/codelists.json), bound to the enums its code uses."""

from __future__ import annotations

from borderlink.cases.handover_models import LIFECYCLE as HANDOVER_LIFECYCLE
from borderlink.cases.handover_models import TIMELINE as HANDOVER_TIMELINE
from borderlink.cases.handover_models import HandoverKind, HandoverStatus
from borderlink.cases.models import (
    TIMELINE,
    AssetStatus,
    CaseStatus,
    CaseType,
    GroupOutcome,
    LinkType,
    OperationKind,
    PersonRole,
    QuantityUnit,
    SeizureType,
    TaskStatus,
)
from borderlink.shared import codelists

CODE_LISTS = codelists.load("borderlink.cases", {
    "cases.type": CaseType,
    "cases.status": CaseStatus,
    "cases.person_role": PersonRole,
    "cases.link_type": LinkType,
    "cases.operation_kind": OperationKind,
    "cases.seizure_type": SeizureType,
    "cases.quantity_unit": QuantityUnit,
    "cases.task_status": TaskStatus,
    "cases.asset_status": AssetStatus,
    "cases.group_outcome": GroupOutcome,
    "cases.handover_kind": HandoverKind,
    "cases.handover_status": HandoverStatus,
})

# Every kind of timeline event has a label, and every label a kind.
for _list, _kinds in (("cases.event", TIMELINE.kinds), ("cases.handover_event", HANDOVER_TIMELINE.kinds)):
    if set(CODE_LISTS[_list].values()) != set(_kinds):
        raise ValueError(f"{_list} in data/codelists.json differs from the timeline's kinds")
if not set(HANDOVER_LIFECYCLE.events) <= set(HANDOVER_TIMELINE.kinds):
    raise ValueError("every step of a handover's lifecycle needs a timeline kind")
