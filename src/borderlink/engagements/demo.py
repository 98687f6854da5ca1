"""The domain's demo content (data/demo.json): Viet Nam's node holds the 7th ministerial conference
on crime prevention with its minutes, three MoUs and two commitments (one past due), plans the 6th
border-defence friendship exchange and a course, and proposes a joint patrol; China's plans the
8th conference and a patrol of its own. All of it crosses the border once both demo nodes serve."""

from __future__ import annotations

from typing import Any

from borderlink.engagements import patrols, records
from borderlink.engagements import service as engagements
from borderlink.engagements.schemas import (
    AgreementCreate,
    CommitmentCreate,
    EngagementCreate,
    EngagementUpdate,
    PatrolCreate,
)
from borderlink.shared.demo_seed import DemoSeed, data_file


def seed_demo(demo: DemoSeed) -> None:
    data: dict[str, Any] = demo.for_party(data_file("borderlink.engagements", "demo.json")) or {}
    for item in data.get("engagements", []):
        planner = demo.principal(item["planner"])
        engagement = engagements.create_engagement(demo.session, planner,
                                                   EngagementCreate.model_validate(item["engagement"]), demo.now)
        if "held" in item:
            engagements.update_engagement(demo.session, planner, engagement.id,
                                          EngagementUpdate.model_validate(item["held"]), demo.now, step="held")
        for agreement in item.get("agreements", []):
            records.create_agreement(demo.session, planner, AgreementCreate.model_validate(
                {**agreement, "engagement_id": engagement.id}), demo.now)
        for commitment in item.get("commitments", []):
            records.create_commitment(demo.session, planner, CommitmentCreate.model_validate(
                {**commitment, "engagement_id": engagement.id}), demo.now)
    for item in data.get("patrols", []):
        patrols.propose(demo.session, demo.principal(item["proposer"]), PatrolCreate.model_validate(item["patrol"]),
                        demo.now)
