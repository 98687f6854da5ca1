"""The domain's code lists (labels in data/codelists.json), bound to the enums its code uses."""

from __future__ import annotations

from borderlink.directory.models import Tier
from borderlink.engagements.models import (
    AgreementKind,
    AgreementStatus,
    CommitmentStatus,
    EngagementKind,
    EngagementStatus,
    IncidentKind,
    PatrolStatus,
)
from borderlink.shared import codelists

CODE_LISTS = codelists.load("borderlink.engagements", {
    "engagements.kind": EngagementKind,
    "engagements.status": EngagementStatus,
    "engagements.tier": Tier,
    "engagements.agreement_kind": AgreementKind,
    "engagements.agreement_status": AgreementStatus,
    "engagements.commitment_status": CommitmentStatus,
    "engagements.patrol_status": PatrolStatus,
    "engagements.incident_kind": IncidentKind,
})
