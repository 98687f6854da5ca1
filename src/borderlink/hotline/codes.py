"""The hotline's code lists (labels in data/codelists.json), bound to the enums its code uses."""

from __future__ import annotations

from typing import get_args

from borderlink.hotline.contracts import Reference
from borderlink.hotline.models import AssistanceType, Priority, RequestKind, Status
from borderlink.shared import codelists
from borderlink.shared.replicated import HandlingCode

CODE_LISTS = codelists.load("borderlink.hotline", {
    "hotline.kind": RequestKind,
    "hotline.assistance_type": AssistanceType,
    "hotline.priority": Priority,
    "hotline.status": Status,
    "hotline.handling_code": HandlingCode,
})

if CODE_LISTS["hotline.reference_type"].values() != get_args(Reference.model_fields["type"].annotation):
    raise ValueError("hotline.reference_type in data/codelists.json differs from Reference.type")
