"""Gates as a domain: the border gates with their lanes and hours, reading travel documents'
machine-readable zones, crossings with their automatic check, and hits confirmed by the alert's owner."""

from __future__ import annotations

from borderlink.directory.models import Role
from borderlink.directory.permissions import Permission
from borderlink.gates import (
    api,
    board_pages,
    cli,
    codes,
    crossings,
    demo,
    escalation,
    feed,
    hits,
    messages,
    models,
    pages,
    passes,
    photos,
    views,
)
from borderlink.gates.contracts import (
    HitAnswerMessage,
    HitEscalationMessage,
    HitOutcomeMessage,
    HitReportMessage,
    PreArrivalArrivedMessage,
    PreArrivalMessage,
)
from borderlink.gates.models import Crossing, Hit, HitStatus, PreArrival, PreArrivalStatus
from borderlink.shared.attachments import Attachable, seen_with
from borderlink.shared.descriptor import Domain, NavEntry
from borderlink.shared.feedkinds import FeedKind, cards_of, open_when
from borderlink.shared.timeline import N_

# Every role reads the gates; checking travellers' documents is for officers and the roles above them,
# answering hits on their alerts too; the node administrator sets the answer deadlines.
_READ = frozenset({Permission.GATES_READ})
_GATE_WORK = _READ | {Permission.GATES_CHECK, Permission.GATES_CONFIRM}

DOMAIN = Domain(
    name="gates",
    models=(models,),
    api_routers=(api.router, api.hits_router),
    page_routers=(pages.router, board_pages.router),
    templates=True,
    message_handlers={
        HitReportMessage: messages.apply_report,
        HitAnswerMessage: messages.apply_answer,
        HitOutcomeMessage: messages.apply_outcome,
        HitEscalationMessage: messages.apply_escalation,
        PreArrivalMessage: messages.apply_pre_arrival,
        PreArrivalArrivedMessage: messages.apply_pre_arrival_arrived,
    },
    created_objects={HitReportMessage: models.Hit, PreArrivalMessage: models.PreArrival},
    background_tasks=(passes.overstay_loop,),
    escalations=(escalation.HITS,),
    code_lists=codes.CODE_LISTS,
    # The traveller's photo: taken with the crossing, and the one a hit report brought; seen with
    # the object, and always a person's data.
    attachables=(Attachable(models.CROSSING_TYPE, open_object=seen_with(crossings.visible_crossing, True),
                            max_files=1, max_bytes=photos.MAX_PHOTO_BYTES),
                 Attachable(models.HIT_TYPE, open_object=seen_with(hits.HIT_KIND.visible, True), max_files=1,
                            max_bytes=photos.MAX_PHOTO_BYTES)),
    indirect_messages=views.INDIRECT_MESSAGES + feed.INDIRECT_MESSAGES,
    permission_grants={Role.COMMANDER: _GATE_WORK, Role.OFFICER: _GATE_WORK, Role.ANALYST: _GATE_WORK,
                       Role.ADMIN: _READ | {Permission.GATES_CONFIGURE}, Role.VIEWER: _READ},
    navigation=(NavEntry("Gates", "/gates", permission=Permission.GATES_READ, order=30),),
    cli=cli.register,
    demo_seed=demo.seed_demo,
    feed_kinds=(
        FeedKind(models.HIT_TYPE, N_("Hit"), cards=cards_of(Hit, feed.hit_card),
                 open_clause=open_when(Hit, Hit.status == HitStatus.PENDING), permission=Permission.GATES_READ,
                 order=15),
        FeedKind(models.OVERSTAY_TYPE, N_("Overstay"), cards=cards_of(Crossing, feed.overstay_card),
                 open_clause=open_when(Crossing, Crossing.exit_crossing_id.is_(None)),
                 permission=Permission.GATES_READ, order=40),
        FeedKind(models.PRE_ARRIVAL_TYPE, N_("Expected vehicle"), cards=cards_of(PreArrival, feed.pre_arrival_card),
                 open_clause=open_when(PreArrival, PreArrival.status == PreArrivalStatus.EXPECTED),
                 permission=Permission.GATES_READ, order=45),
    ),
)
