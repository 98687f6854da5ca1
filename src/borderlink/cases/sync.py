"""How a case crosses the border: the owner's snapshot of its shared state and the other side's
contributions, built, sent and applied here.

The owner sends `CaseMessage` after every change, with a higher `version`; the replica applies a
newer one and ignores an older or repeated one. The other side sends each thing it adds as a
`ContributionMessage`; the owner checks the sender may add it, stores it under the same id and
shares the case again, so both nodes end up with the same case and the same timeline. Internal
notes, informants and links to informants are left out of every message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from sqlalchemy.orm import Session

from borderlink.cases import operations, persons, service
from borderlink.cases.contracts import (
    AssetPart,
    CaseEvent,
    CaseMessage,
    ContributionMessage,
    CustodyPart,
    EvidencePart,
    GroupPart,
    LinkPart,
    NotePart,
    OperationPart,
    PersonPart,
    TaskPart,
)
from borderlink.cases.models import (
    TIMELINE,
    Asset,
    CaseLink,
    CaseNote,
    CasePerson,
    CaseTask,
    CustodyStep,
    EvidenceItem,
    ImmigrationGroup,
    JointCase,
    Operation,
    PersonRole,
    Seizure,
)
from borderlink.exchange import service as exchange
from borderlink.shared.contracts import ContractPart, to_wire
from borderlink.shared.replicated import record_change
from borderlink.shared.timeline import TimelineEvent

LOCAL_ONLY_EVENTS = frozenset({"refused_by_peer"})
_RECORDED = ("id", "party", "unit_code", "author_name", "created_at")


def _fields(row: Any, names: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in names}


def note_part(note: CaseNote) -> NotePart:
    return NotePart.from_fields({**_fields(note, _RECORDED), "body": note.body})


def person_part(person: CasePerson) -> PersonPart:
    return PersonPart.from_fields({**_fields(person, _RECORDED), **_fields(person, (
        "role", "name", "other_names", "birth_date", "nationality", "gender", "document_number", "description"))})


def link_part(link: CaseLink) -> LinkPart:
    return LinkPart.from_fields({**_fields(link, _RECORDED), **_fields(link, ("link_type", "target_id", "label",
                                                                               "person_id"))})


def operation_part(operation: Operation) -> OperationPart:
    return OperationPart.from_fields({
        **_fields(operation, _RECORDED),
        **_fields(operation, ("kind", "on_date", "place", "unit_codes", "arrested", "rescued", "outcome")),
        "seizures": [_fields(s, ("id", "item_type", "quantity", "unit", "currency", "description"))
                     for s in operation.seizures]})


def task_part(task: CaseTask) -> TaskPart:
    return TaskPart.from_fields({**_fields(task, _RECORDED), **_fields(task, (
        "assigned_unit_code", "title", "deadline_at", "status", "done_at"))})


def custody_part(step: CustodyStep) -> CustodyPart:
    return CustodyPart.from_fields(_fields(step, ("id", "at", "from_holder", "to_holder", "purpose", "party")))


def evidence_part(item: EvidenceItem) -> EvidencePart:
    return EvidencePart.from_fields({**_fields(item, _RECORDED), **_fields(item, ("item", "sha256", "holder")),
                                     "custody": [custody_part(step).model_dump() for step in item.custody]})


def asset_part(asset: Asset) -> AssetPart:
    return AssetPart.from_fields({**_fields(asset, _RECORDED), **_fields(asset, (
        "description", "status", "value", "currency", "held_by"))})


def group_part(group: ImmigrationGroup) -> GroupPart:
    return GroupPart.from_fields({**_fields(group, _RECORDED), **_fields(group, (
        "intercepted_at", "place", "side", "people", "minors", "breakdown", "outcome", "return_gate_code",
        "organisers_prosecuted"))})


def event_part(event: TimelineEvent) -> CaseEvent:
    return CaseEvent.from_fields(TIMELINE.payload(event))


def shared_persons(session: Session, case_id: str) -> list[CasePerson]:
    return [p for p in persons.persons(session, case_id) if p.role != PersonRole.INFORMANT]


def case_message(session: Session, case: JointCase) -> CaseMessage:
    """The shared state of the case: everything but internal notes and informants."""
    people = shared_persons(session, case.id)
    shared_ids = {p.id for p in people}
    return CaseMessage.from_fields({
        "id": case.id, "version": case.version, "title": case.title, "case_type": case.case_type,
        "offence_codes": case.offence_codes, "summary": case.summary, "lead_unit_code": case.lead_unit.code,
        "status": case.status, "status_reason": case.status_reason, "legal_basis": case.legal_basis,
        "jit_reference": case.jit_reference, "jit_starts_on": case.jit_starts_on, "jit_ends_on": case.jit_ends_on,
        "jit_extensions": case.jit_extensions, "handling_code": case.handling_code, "author_name": case.author_name,
        "created_at": case.created_at, "updated_at": case.updated_at,
        "units": [{"unit_code": row.unit.code, "lead": row.lead} for row in service.case_units(session, case.id)],
        "notes": [note_part(n).model_dump() for n in service.notes(session, case.id, shared_only=True)],
        "persons": [person_part(p).model_dump() for p in people],
        "links": [link_part(link).model_dump() for link in persons.links(session, case.id)
                  if link.person_id is None or link.person_id in shared_ids],
        "operations": [operation_part(o).model_dump() for o in operations.operations(session, case.id)],
        "tasks": [task_part(t).model_dump() for t in operations.tasks(session, case.id)],
        "evidence": [evidence_part(e).model_dump() for e in operations.evidence(session, case.id)],
        "assets": [asset_part(a).model_dump() for a in operations.assets(session, case.id)],
        "groups": [group_part(g).model_dump() for g in operations.groups(session, case.id)],
        "events": [event_part(e).model_dump() for e in service.timeline(session, case.id)
                   if e.kind not in LOCAL_ONLY_EVENTS],
    })


def peer_unit_code(session: Session, case: JointCase) -> str:
    """The other side's unit an envelope about the case is addressed to: its first unit on the case."""
    others = [row.unit.code for row in service.case_units(session, case.id) if row.party != case.owner_party]
    return str(others[0])


def share(session: Session, case: JointCase, now: dt.datetime, *, new: bool = False) -> None:
    """The owner sends the case's shared state (after a change: under a new version)."""
    if not new:
        record_change(case, now)
    session.flush()
    exchange.enqueue(session, kind=CaseMessage.message_kind, body=to_wire(case_message(session, case)),
                     sender_unit=case.lead_unit.code, recipient_unit=peer_unit_code(session, case),
                     handling_code=case.handling_code.value, stream=service.CASE_KIND.stream(case.id))


def contribute(session: Session, case: JointCase, event: TimelineEvent, **item: Any) -> None:
    """The replica side sends one thing it added, with its timeline step, to the owner."""
    parts: dict[str, Any] = {}
    builders: dict[str, Callable[[Any], ContractPart]] = {
        "note": note_part, "person": person_part, "link": link_part, "operation": operation_part,
        "task": task_part, "evidence": evidence_part, "custody": custody_part, "asset": asset_part,
        "group": group_part}
    for name, value in item.items():
        if name == "custody_evidence_id":
            parts[name] = value
        else:
            parts[name] = builders[name](value).model_dump()
    if not parts:
        return  # a step only the owner takes; nothing to contribute
    message = ContributionMessage.from_fields({"case_id": case.id, "event": event_part(event).model_dump(), **parts})
    exchange.enqueue(session, kind=ContributionMessage.message_kind, body=to_wire(message),
                     sender_unit=event.unit_code, recipient_unit=case.lead_unit.code,
                     handling_code=case.handling_code.value, stream=service.CASE_KIND.stream(case.id))


# --- storing parts (both directions) ---------------------------------------------------------

def _recorded_values(part: Any) -> dict[str, Any]:
    return {name: getattr(part, name) for name in _RECORDED}


def store_note(session: Session, case_id: str, part: NotePart) -> None:
    if session.get(CaseNote, part.id) is None:
        session.add(CaseNote(**_recorded_values(part), case_id=case_id, shared=True, body=part.body))


def store_person(session: Session, case_id: str, part: PersonPart) -> None:
    if session.get(CasePerson, part.id) is None:
        session.add(CasePerson(**_recorded_values(part), case_id=case_id, role=PersonRole(part.role), name=part.name,
                               other_names=list(part.other_names), birth_date=part.birth_date,
                               nationality=part.nationality, gender=part.gender,
                               document_number=part.document_number, description=part.description))


def store_link(session: Session, case_id: str, part: LinkPart) -> None:
    if session.get(CaseLink, part.id) is None:
        session.add(CaseLink(**_recorded_values(part), case_id=case_id, link_type=part.link_type,
                             target_id=part.target_id, label=part.label, person_id=part.person_id))


def store_operation(session: Session, case_id: str, part: OperationPart) -> None:
    if session.get(Operation, part.id) is not None:
        return
    session.add(Operation(**_recorded_values(part), case_id=case_id, kind=part.kind, on_date=part.on_date,
                          place=part.place, unit_codes=list(part.unit_codes), arrested=part.arrested,
                          rescued=part.rescued, outcome=part.outcome))
    session.flush()
    for s in part.seizures:
        session.add(Seizure(id=s.id, operation_id=part.id, item_type=s.item_type, quantity=s.quantity, unit=s.unit,
                            currency=s.currency, description=s.description))


def store_task(session: Session, case_id: str, part: TaskPart, local_party: str, now: dt.datetime) -> None:
    task = session.get(CaseTask, part.id)
    if task is None:
        task = CaseTask(**_recorded_values(part), case_id=case_id, assigned_unit_code=part.assigned_unit_code,
                        title=part.title, deadline_at=part.deadline_at, status=part.status, done_at=part.done_at)
        session.add(task)
        session.flush()
    elif task.status != part.status or task.done_at != part.done_at:
        task.status, task.done_at = part.status, part.done_at
    else:
        return
    operations.put_task_in_feed(session, task, local_party, now)


def store_custody(session: Session, evidence_id: str, part: CustodyPart) -> None:
    if session.get(CustodyStep, part.id) is None:
        session.add(CustodyStep(id=part.id, evidence_id=evidence_id, at=part.at, from_holder=part.from_holder,
                                to_holder=part.to_holder, purpose=part.purpose, party=part.party))
        item = session.get(EvidenceItem, evidence_id)
        if item is not None:
            item.holder = part.to_holder


def store_evidence(session: Session, case_id: str, part: EvidencePart) -> None:
    item = session.get(EvidenceItem, part.id)
    if item is None:
        session.add(EvidenceItem(**_recorded_values(part), case_id=case_id, item=part.item, sha256=part.sha256,
                                 holder=part.holder))
        session.flush()
    for step in part.custody:
        store_custody(session, part.id, step)
    stored = session.get(EvidenceItem, part.id)
    if stored is not None:
        stored.holder = part.holder


def store_asset(session: Session, case_id: str, part: AssetPart) -> None:
    asset = session.get(Asset, part.id)
    if asset is None:
        session.add(Asset(**_recorded_values(part), case_id=case_id, description=part.description, status=part.status,
                          value=part.value, currency=part.currency, held_by=part.held_by))
    else:
        asset.status, asset.held_by = part.status, part.held_by


def store_group(session: Session, case_id: str, part: GroupPart) -> None:
    if session.get(ImmigrationGroup, part.id) is None:
        session.add(ImmigrationGroup(
            **_recorded_values(part), case_id=case_id, intercepted_at=part.intercepted_at, place=part.place,
            side=part.side, people=part.people, minors=part.minors, breakdown=[b.model_dump() for b in part.breakdown],
            outcome=part.outcome, return_gate_code=part.return_gate_code,
            organisers_prosecuted=part.organisers_prosecuted))


def store_event(session: Session, case: JointCase, event: CaseEvent) -> TimelineEvent | None:
    return service.record(session, case, event.kind, event.at, event.party, event.unit_code,
                          TIMELINE.detail_from_payload(event.kind, event.model_dump()), event_id=event.id)
