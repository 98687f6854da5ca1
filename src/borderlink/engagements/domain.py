"""Engagements as a domain: meetings, talks, exchange programmes and courses between the two sides,
the agreements signed there, the commitments each side took, and joint patrols."""

from __future__ import annotations

from borderlink.directory.models import Role
from borderlink.directory.permissions import Permission
from borderlink.engagements import api, codes, demo, feed, messages, minutes, models, pages, records
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
    Agreement,
    AgreementStatus,
    Commitment,
    CommitmentStatus,
    Engagement,
    EngagementStatus,
    Patrol,
    PatrolStatus,
)
from borderlink.exchange.registry import RefusalHook
from borderlink.shared.contracts import MessageBody
from borderlink.shared.descriptor import Domain, NavEntry
from borderlink.shared.feedkinds import FeedKind, cards_of, open_when
from borderlink.shared.forms import N_
from borderlink.shared.refusals import RefusalByObject, ShowRefusal

_READ = frozenset({Permission.ENGAGEMENTS_READ})
_PLAN = _READ | {Permission.ENGAGEMENTS_PLAN}
_PATROL = _READ | {Permission.PATROLS_RUN}



# A message the other side refused shows on the object it was about and brings it back into the
# feed of this side's unit on it.
_REFUSED = {kind: ShowRefusal(model, timeline) for kind, model, timeline in (
    ("engagement", models.Engagement, models.ENGAGEMENT_TIMELINE),
    ("agreement", models.Agreement, models.AGREEMENT_TIMELINE),
    ("commitment", models.Commitment, models.COMMITMENT_TIMELINE),
    ("patrol", models.Patrol, models.PATROL_TIMELINE))}
_REFUSAL_HOOKS: dict[type[MessageBody], RefusalHook] = {
    EngagementMessage: _REFUSED["engagement"], AgreementMessage: _REFUSED["agreement"],
    CommitmentMessage: _REFUSED["commitment"], PatrolMessage: _REFUSED["patrol"],
    CommitmentNoteMessage: _REFUSED["commitment"].about(lambda body: body.commitment_id),
    PatrolAnswerMessage: _REFUSED["patrol"].about(lambda body: body.patrol_id),
    PatrolReportMessage: _REFUSED["patrol"].about(lambda body: body.patrol_id),
    MinutesFileMessage: _REFUSED["engagement"].about(lambda body: body.engagement_id),
    StepMessage: RefusalByObject(lambda body: (found.about(lambda step: step.object_id)
                                               if (found := _REFUSED.get(body.object_kind)) else None)),
}

DOMAIN = Domain(
    name="engagements",
    models=(models,),
    api_routers=(api.router,),
    page_routers=(pages.router,),
    message_handlers={**messages.HANDLERS, MinutesFileMessage: minutes.apply_minutes_file},
    refusal_hooks=_REFUSAL_HOOKS,
    attachables=(minutes.ATTACHABLE,),
    background_tasks=(records.due_loop,),
    templates=True,
    code_lists=codes.CODE_LISTS,
    indirect_messages=(("Joint patrol", "The word before a patrol's sector in an exported calendar."),),
    permission_grants={
        Role.COMMANDER: _PLAN | _PATROL,
        Role.ANALYST: _PLAN,
        Role.OFFICER: _PATROL,
        Role.VIEWER: _READ,
    },
    navigation=(NavEntry("Engagements", "/engagements", permission=Permission.ENGAGEMENTS_READ, order=40),),
    demo_seed=demo.seed_demo,
    feed_kinds=(
        FeedKind(models.COMMITMENT, N_("Commitment"), cards=cards_of(Commitment, feed.commitment_card),
                 open_clause=open_when(Commitment, Commitment.status == CommitmentStatus.OPEN),
                 permission=Permission.ENGAGEMENTS_READ, order=40),
        FeedKind(models.PATROL, N_("Joint patrol"), cards=cards_of(Patrol, feed.patrol_card),
                 open_clause=open_when(Patrol, Patrol.status.in_((PatrolStatus.PROPOSED, PatrolStatus.AGREED))),
                 permission=Permission.ENGAGEMENTS_READ, order=41),
        FeedKind(models.ENGAGEMENT, N_("Engagement"), cards=cards_of(Engagement, feed.engagement_card),
                 open_clause=open_when(Engagement, Engagement.status.in_((EngagementStatus.PLANNED,
                                                                          EngagementStatus.CONFIRMED))),
                 permission=Permission.ENGAGEMENTS_READ, order=42),
        FeedKind(models.AGREEMENT, N_("Agreement"), cards=cards_of(Agreement, feed.agreement_card),
                 open_clause=open_when(Agreement, Agreement.status == AgreementStatus.DRAFT),
                 permission=Permission.ENGAGEMENTS_READ, order=43),
    ),
)
