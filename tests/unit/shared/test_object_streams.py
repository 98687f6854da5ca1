"""Each object type's exchange stream keeps the name its envelopes have always carried: stream names
are stored with every envelope on both nodes and checked in order by the receiver."""

from __future__ import annotations

import pytest

from borderlink.cases.handovers import HANDOVER_KIND
from borderlink.cases.service import CASE_KIND
from borderlink.engagements.patrols import PATROL_KIND
from borderlink.engagements.records import AGREEMENT_KIND, COMMITMENT_KIND
from borderlink.engagements.service import ENGAGEMENT_KIND
from borderlink.gates.hits import HIT_KIND
from borderlink.gates.pre_arrivals import PRE_ARRIVAL_KIND
from borderlink.hotline.service import REQUEST_KIND
from borderlink.shared.objectkinds import ObjectKind


@pytest.mark.parametrize(("kind", "object_type", "stream"), [
    (REQUEST_KIND, "hotline.request", "hotline:ID"),
    (CASE_KIND, "cases.case", "cases:ID"),
    (HANDOVER_KIND, "cases.handover", "handovers:ID"),
    (HIT_KIND, "gates.hit", "gates.hit:ID"),
    (PRE_ARRIVAL_KIND, "gates.pre_arrival", "gates.pre_arrival:ID"),
    (ENGAGEMENT_KIND, "engagements.engagement", "engagements:ID"),
    (PATROL_KIND, "engagements.patrol", "patrols:ID"),
    # An engagement's agreements and commitments travel in its stream.
    (AGREEMENT_KIND, "engagements.agreement", "engagements:ID"),
    (COMMITMENT_KIND, "engagements.commitment", "engagements:ID"),
])
def test_each_object_type_keeps_its_stream_and_feed_names(kind: ObjectKind[object], object_type: str,
                                                           stream: str) -> None:
    assert kind.stream("ID") == stream
    assert kind.ref("ID").key == f"{object_type}:ID"
