"""Joint cases and handovers as a domain."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from borderlink.cases import (
    api,
    codes,
    demo,
    evidence_files,
    feed,
    handover_api,
    handover_messages,
    handover_models,
    handovers,
    messages,
    models,
    operations,
    pages,
    persons,
    printed,
    service,
    work_pages,
)
from borderlink.cases.contracts import (
    CaseMessage,
    ContributionMessage,
    EvidenceFileMessage,
    HandoverMessage,
    HandoverStepMessage,
)
from borderlink.cases.handover_models import HANDOVER_TYPE, Handover, HandoverStatus
from borderlink.cases.models import (
    OBJECT_TYPE,
    TASK_TYPE,
    CasePerson,
    CaseStatus,
    CaseTask,
    JointCase,
    Perm,
    PersonRole,
    TaskStatus,
)
from borderlink.directory.models import Role
from borderlink.shared.descriptor import Domain, NavEntry
from borderlink.shared.feedkinds import FeedKind, cards_of, open_when
from borderlink.shared.namesearch import NamedRecord
from borderlink.shared.refusals import ShowRefusal
from borderlink.shared.timeline import N_

_READ = frozenset({Perm.READ})
_WORK = _READ | {Perm.CONTRIBUTE, Perm.CONFIRM}



def _person_names(values: Mapping[str, Any]) -> list[str]:
    """A case person's names, found by searching the cases list; a victim's or an informant's
    never, since many who see the case may not see those names."""
    if values["role"] in persons.PROTECTED_ROLES:
        return []
    return [values["name"], *(values["other_names"] or ())]


def _victim_names(values: Mapping[str, Any]) -> list[str]:
    """A victim's names, filed apart from the cases list's so that the protection check finds the
    victims a person may be by index lookups (cases/persons.py) and no list search finds them."""
    if values["role"] != PersonRole.VICTIM:
        return []
    return [values["name"], *(values["other_names"] or ())]


def _handed_over_names(values: Mapping[str, Any]) -> list[str]:
    return [str(name) for person in values["persons"] or ()
            for name in (person.get("name"), *(person.get("other_names") or ())) if name]


def _case_units(session: Session, case: JointCase, _body: Any, party: str) -> list[str]:
    return [unit.id for unit in service.units_of_party(session, case.id, party)]


def _handover_units(_session: Session, handover: Handover, _body: Any, party: str) -> set[str]:
    return {unit.id for unit in handovers.our_units(handover, party)}


# A message the other side refused shows on its case or handover and brings it back into the feeds
# of this side's units on it.
_REFUSED_CASE = ShowRefusal(JointCase, models.TIMELINE, unit_of=_case_units)
_REFUSED_HANDOVER = ShowRefusal(Handover, handover_models.TIMELINE, unit_of=_handover_units)

DOMAIN = Domain(
    name="cases",
    models=(models, handover_models),
    api_routers=(api.router, handover_api.router),
    page_routers=(pages.router, work_pages.router, printed.router),
    templates=True,
    message_handlers={
        CaseMessage: messages.apply_case,
        ContributionMessage: messages.apply_contribution,
        HandoverMessage: handover_messages.apply_handover,
        HandoverStepMessage: handover_messages.apply_step,
        EvidenceFileMessage: evidence_files.apply_evidence_file,
    },
    created_objects={HandoverMessage: Handover},
    refusal_hooks={CaseMessage: _REFUSED_CASE, ContributionMessage: _REFUSED_CASE.about(lambda body: body.case_id),
                   EvidenceFileMessage: _REFUSED_CASE.about(lambda body: body.case_id),
                   HandoverMessage: _REFUSED_HANDOVER,
                   HandoverStepMessage: _REFUSED_HANDOVER.about(lambda body: body.handover_id)},
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
    attachables=(operations.EVIDENCE_FILES,),
    feed_kinds=(
        FeedKind(OBJECT_TYPE, N_("Joint case"), cards=cards_of(JointCase, feed.case_card),
                 open_clause=open_when(JointCase, JointCase.status != CaseStatus.CLOSED),
                 permission=Perm.READ, order=30),
        FeedKind(TASK_TYPE, N_("Case task"), cards=feed.task_cards,
                 open_clause=open_when(CaseTask, CaseTask.status == TaskStatus.OPEN), permission=Perm.READ, order=31),
        FeedKind(HANDOVER_TYPE, N_("Handover"), cards=cards_of(Handover, feed.handover_card),
                 open_clause=open_when(Handover, Handover.status.not_in((HandoverStatus.COMPLETED,
                                                                         HandoverStatus.CANCELLED))),
                 permission=Perm.READ, order=32),
    ),
    navigation=(NavEntry("Cases", "/cases", permission=Perm.READ, order=30),
                NavEntry("Handovers", "/handovers", permission=Perm.READ, order=31)),
    named_records=(
        NamedRecord(CasePerson, OBJECT_TYPE, ("name", "other_names", "role"), _person_names,
                    object_id_field="case_id"),
        NamedRecord(CasePerson, persons.VICTIM_NAMES_TYPE, ("name", "other_names", "role"), _victim_names),
        NamedRecord(Handover, HANDOVER_TYPE, ("persons",), _handed_over_names),
    ),
)
