"""Gates as a domain: the border gates with their lanes and hours, reading travel documents'
machine-readable zones, crossings with their automatic check, and hits confirmed by the alert's owner."""

from __future__ import annotations

from borderlink.directory.models import Role
from borderlink.directory.permissions import Permission
from borderlink.gates import api, cli, codes, demo, escalation, messages, models, pages, passes, views
from borderlink.gates.contracts import (
    HitAnswerMessage,
    HitEscalationMessage,
    HitOutcomeMessage,
    HitReportMessage,
    PreArrivalArrivedMessage,
    PreArrivalMessage,
)
from borderlink.shared.descriptor import Domain, NavEntry

# Every role reads the gates; checking travellers' documents is for officers and the roles above them,
# answering hits on their alerts too; the node administrator sets the answer deadlines.
_READ = frozenset({Permission.GATES_READ})
_GATE_WORK = _READ | {Permission.GATES_CHECK, Permission.GATES_CONFIRM}

DOMAIN = Domain(
    name="gates",
    models=(models,),
    api_routers=(api.router, api.hits_router),
    page_routers=(pages.router,),
    templates=True,
    message_handlers={
        HitReportMessage: messages.apply_report,
        HitAnswerMessage: messages.apply_answer,
        HitOutcomeMessage: messages.apply_outcome,
        HitEscalationMessage: messages.apply_escalation,
        PreArrivalMessage: messages.apply_pre_arrival,
        PreArrivalArrivedMessage: messages.apply_pre_arrival_arrived,
    },
    background_tasks=(escalation.escalation_loop, passes.overstay_loop),
    code_lists=codes.CODE_LISTS,
    indirect_messages=views.INDIRECT_MESSAGES,
    permission_grants={Role.COMMANDER: _GATE_WORK, Role.OFFICER: _GATE_WORK, Role.ANALYST: _GATE_WORK,
                       Role.ADMIN: _READ | {Permission.GATES_CONFIGURE}, Role.VIEWER: _READ},
    navigation=(NavEntry("Gates", "/gates", permission=Permission.GATES_READ, order=30),),
    cli=cli.register,
    demo_seed=demo.seed_demo,
)
