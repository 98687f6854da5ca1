"""Joint cases and handovers as a domain."""

from __future__ import annotations

from borderlink.cases import (
    api,
    codes,
    demo,
    feed,
    handover_api,
    handover_messages,
    handover_models,
    messages,
    models,
    pages,
    persons,
)
from borderlink.cases.contracts import CaseMessage, ContributionMessage, HandoverMessage, HandoverStepMessage
from borderlink.cases.handover_models import HANDOVER_TYPE
from borderlink.cases.models import OBJECT_TYPE, TASK_TYPE, Perm
from borderlink.directory.models import Role
from borderlink.shared.descriptor import Domain, NavEntry
from borderlink.shared.feedkinds import FeedKind
from borderlink.shared.timeline import N_

_READ = frozenset({Perm.READ})
_WORK = _READ | {Perm.CONTRIBUTE, Perm.CONFIRM}

DOMAIN = Domain(
    name="cases",
    models=(models, handover_models),
    api_routers=(api.router, handover_api.router),
    page_routers=(pages.router,),
    templates=True,
    message_handlers={
        CaseMessage: messages.apply_case,
        ContributionMessage: messages.apply_contribution,
        HandoverMessage: handover_messages.apply_handover,
        HandoverStepMessage: handover_messages.apply_step,
    },
    refusal_hooks={**dict.fromkeys((CaseMessage, ContributionMessage), messages.show_refusal),
                   **dict.fromkeys((HandoverMessage, HandoverStepMessage), handover_messages.show_refusal)},
    code_lists=codes.CODE_LISTS,
    indirect_messages=((persons.PROTECTED_LABEL, "Shown instead of a victim's or informant's name."),),
    permission_grants={
        Role.COMMANDER: _WORK | {Perm.MANAGE, Perm.PROTECTED, Perm.HANDOVER},
        Role.OFFICER: _WORK | {Perm.PROTECTED},
        Role.ANALYST: _READ | {Perm.CONTRIBUTE},
        Role.VIEWER: _READ,
    },
    demo_seed=demo.seed_demo,
    protected_persons=(persons.protections,),
    feed_kinds=(
        FeedKind(OBJECT_TYPE, N_("Joint case"), cards=feed.case_cards, open_clause=feed.case_is_open,
                 permission=Perm.READ, order=30),
        FeedKind(TASK_TYPE, N_("Case task"), cards=feed.task_cards, open_clause=feed.task_is_open,
                 permission=Perm.READ, order=31),
        FeedKind(HANDOVER_TYPE, N_("Handover"), cards=feed.handover_cards, open_clause=feed.handover_is_open,
                 permission=Perm.READ, order=32),
    ),
    navigation=(NavEntry("Cases", "/cases", permission=Perm.READ, order=30),
                NavEntry("Handovers", "/handovers", permission=Perm.READ, order=31)),
)
