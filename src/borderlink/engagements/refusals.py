"""When the other node refuses one of our messages, the refusal reaches the object it was about: a
"refused by the other side" step on its timeline in the other side's words, and the object back,
unread, in the feed of this side's unit on it, so no one waits for an answer that cannot come."""

from __future__ import annotations

import logging

from sqlalchemy.orm import Session

from borderlink.directory import service as directory
from borderlink.engagements import common
from borderlink.engagements.contracts import (
    AgreementMessage,
    CommitmentMessage,
    CommitmentNoteMessage,
    EngagementMessage,
    MinutesFileMessage,
    PatrolAnswerMessage,
    PatrolMessage,
    PatrolReportMessage,
    StepMessage,
)
from borderlink.engagements.models import (
    AGREEMENT,
    AGREEMENT_TIMELINE,
    COMMITMENT,
    COMMITMENT_TIMELINE,
    ENGAGEMENT,
    ENGAGEMENT_TIMELINE,
    PATROL,
    PATROL_TIMELINE,
    Agreement,
    Commitment,
    Engagement,
    Patrol,
)
from borderlink.shared import workfeed
from borderlink.shared.contracts import MessageBody
from borderlink.shared.timeline import Detail, Timeline
from borderlink.shared.workfeed import ObjectRef, Reason

log = logging.getLogger("borderlink.engagements.refusals")
MAX_REASON = 1000
REFUSED_BY_PEER = "refused_by_peer"

_KINDS: dict[str, tuple[str, type[common.Shared], Timeline]] = {
    "engagement": (ENGAGEMENT, Engagement, ENGAGEMENT_TIMELINE),
    "agreement": (AGREEMENT, Agreement, AGREEMENT_TIMELINE),
    "commitment": (COMMITMENT, Commitment, COMMITMENT_TIMELINE),
    "patrol": (PATROL, Patrol, PATROL_TIMELINE),
}


def refused_object(body: MessageBody) -> tuple[str, str] | None:
    """(kind of object, its id) that a message of ours was about."""
    if isinstance(body, EngagementMessage):
        return "engagement", body.id
    if isinstance(body, AgreementMessage):
        return "agreement", body.id
    if isinstance(body, CommitmentMessage):
        return "commitment", body.id
    if isinstance(body, CommitmentNoteMessage):
        return "commitment", body.commitment_id
    if isinstance(body, PatrolMessage):
        return "patrol", body.id
    if isinstance(body, PatrolAnswerMessage | PatrolReportMessage):
        return "patrol", body.patrol_id
    if isinstance(body, MinutesFileMessage):
        return "engagement", body.engagement_id
    if isinstance(body, StepMessage):
        return body.object_kind, body.object_id
    return None


def show_refusal(session: Session, envelope_id: str, body: MessageBody, reason: str) -> None:
    found = refused_object(body)
    kind = _KINDS.get(found[0]) if found else None
    obj = session.get(kind[1], found[1]) if kind and found else None
    if kind is None or obj is None:
        log.error("the peer refused %s envelope %s about an object unknown here", body.message_kind, envelope_id)
        return
    object_type, _, timeline = kind
    now = common.now_of(session)
    local = directory.local_party(session).code
    timeline.record(session, obj.id, REFUSED_BY_PEER, now, common.other_party(local), None,
                    Detail.text(reason[:MAX_REASON]))
    unit = common.local_unit_of(session, obj, local)
    workfeed.put(session, ObjectRef(object_type, obj.id), unit.id, Reason.REFUSED, now)
