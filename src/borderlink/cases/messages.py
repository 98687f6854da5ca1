"""Applying what the other side sends about cases: the owner's snapshot and the other side's
contributions. Each handler runs in the inbox transaction on a body already checked against its
contract, and first checks that the sender may send it: only the owner shares a case, and only to
a node one of whose units is named on it; only a side with a unit on the case contributes, in the
name of its own units, and never changes what the owner recorded.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from borderlink.cases import service, sync
from borderlink.cases.contracts import (
    AssetPart,
    CaseMessage,
    ContributionMessage,
    EvidencePart,
    GroupPart,
    LinkPart,
    NotePart,
    OperationPart,
    PersonPart,
    Recorded,
)
from borderlink.cases.models import Asset, CaseStatus, CaseTask, CaseUnit, EvidenceItem, JointCase
from borderlink.exchange.registry import InboundEnvelope, Rejected
from borderlink.shared.paging import fold_for_search
from borderlink.shared.replicated import (
    accept_version,
    check_received_offence,
    check_received_text,
    known,
    named_unit,
    require_sender_is_owner,
)


def _own_unit(session: Session, part: Recorded, sender_party: str) -> None:
    if part.party != sender_party or named_unit(session, part.unit_code).party_code != sender_party:
        raise Rejected(f"{part.id} is not recorded in the name of a unit of {sender_party}")


def apply_case(session: Session, envelope: InboundEnvelope[CaseMessage]) -> None:
    body = envelope.body
    now = service.session_now(session)
    case = session.get(JointCase, body.id)
    if case is not None:
        require_sender_is_owner(case, envelope, "case")
        if not accept_version(case, body.version):
            return  # a copy of an older state
    lead = named_unit(session, body.lead_unit_code)
    if lead.party_code != envelope.sender_party:
        raise Rejected("the lead unit of a case belongs to the side that owns it")
    units = {part.unit_code: named_unit(session, part.unit_code) for part in body.units}
    if not any(unit.party_code == envelope.recipient_party for unit in units.values()):
        raise Rejected("the case names no unit of this side")
    for code in body.offence_codes:
        check_received_offence(code)
    check_received_text([body.title, body.summary, body.legal_basis, *(n.body for n in body.notes)], "the case")
    for event in body.events:
        if event.unit_code and named_unit(session, event.unit_code).party_code != event.party:
            raise Rejected(f"step {event.id} names a unit of another side")
    core = {"title": body.title, "case_type": body.case_type, "offence_codes": list(body.offence_codes),
            "summary": body.summary, "lead_unit_id": lead.id, "status": body.status,
            "status_reason": body.status_reason, "legal_basis": body.legal_basis, "jit_reference": body.jit_reference,
            "jit_starts_on": body.jit_starts_on, "jit_ends_on": body.jit_ends_on,
            "jit_extensions": [e.model_dump(mode="json") for e in body.jit_extensions],
            "handling_code": body.handling_code, "author_name": body.author_name}
    if case is None:
        case = JointCase(id=body.id, owner_party=envelope.sender_party, version=body.version,
                         created_at=body.created_at, updated_at=body.updated_at, search_text="", **core)
        session.add(case)
        session.flush()
    else:
        for name, value in core.items():
            setattr(case, name, value)
    present = {row.unit_id for row in service.case_units(session, case.id)}
    for part in body.units:
        unit = units[part.unit_code]
        if unit.id not in present:
            session.add(CaseUnit(case_id=case.id, unit_id=unit.id, party=unit.party_code, lead=part.lead))
    session.flush()
    _store_children(session, case, body, envelope.recipient_party, now)
    case.search_text = fold_for_search(" ".join([body.title, body.summary, *body.offence_codes,
                                                         *(p.name for p in body.persons if p.role != "victim")]))
    service.place_in_feeds(session, case, envelope.recipient_party, now)


def _store_children(session: Session, case: JointCase, body: CaseMessage, local_party: str,
                    now: dt.datetime) -> None:
    for note in body.notes:
        sync.store_note(session, case.id, note)
    for person in body.persons:
        sync.store_person(session, case.id, person)
    session.flush()
    for link in body.links:
        sync.store_link(session, case.id, link)
    for operation in body.operations:
        sync.store_operation(session, case.id, operation)
    for task in body.tasks:
        sync.store_task(session, case.id, task, local_party, now)
    for item in body.evidence:
        sync.store_evidence(session, case.id, item)
    for asset in body.assets:
        sync.store_asset(session, case.id, asset)
    for group in body.groups:
        sync.store_group(session, case.id, group)
    for event in body.events:
        sync.store_event(session, case, event)


def apply_contribution(session: Session, envelope: InboundEnvelope[ContributionMessage]) -> None:
    body = envelope.body
    case = known(session, JointCase, body.case_id, "case")
    sender = envelope.sender_party
    if case.owner_party == sender:
        raise Rejected("the owner of a case shares it; it does not contribute to it")
    if case.owner_party != envelope.recipient_party:
        raise Rejected("contributions go to the owner of the case")
    if not service.units_of_party(session, case.id, sender):
        raise Rejected(f"no unit of {sender} is on case {case.id}")
    if case.status == CaseStatus.CLOSED:
        raise Rejected(f"case {case.id} is closed")
    event = body.event
    if event.party != sender or (event.unit_code and named_unit(session, event.unit_code).party_code != sender):
        raise Rejected(f"a step from {sender} cannot be recorded in the name of another side")
    expected = {"note": "note", "person": "person_added", "link": "linked", "operation": "operation",
                "evidence": "evidence", "custody": "custody", "asset": "asset", "group": "group_intercepted"}
    now = service.session_now(session)
    if body.task is not None:
        _apply_task(session, case, body, sender, now)
    elif body.custody is not None:
        item = session.get(EvidenceItem, body.custody_evidence_id)
        if item is None or item.case_id != case.id:
            raise Rejected("unknown item of evidence")
        if body.custody.party != sender:
            raise Rejected("a custody step is recorded by the side that sends it")
        _check_kind(event.kind, "custody")
        sync.store_custody(session, item.id, body.custody)
    else:
        name, part = next((n, getattr(body, n)) for n in expected if getattr(body, n) is not None)
        _check_kind(event.kind, expected[name])
        _own_unit(session, part, sender)
        _check_and_store(session, case, name, part, sender)
    session.flush()
    if sync.store_event(session, case, event) is None:
        return  # applied before
    service.place_in_feeds(session, case, case.owner_party, now)
    sync.share(session, case, now)


def _check_kind(kind: str, expected: str) -> None:
    if kind != expected:
        raise Rejected(f"the step of this contribution is {expected!r}, not {kind!r}")


def _check_and_store(session: Session, case: JointCase, name: str, part: Recorded, sender: str) -> None:
    if isinstance(part, NotePart):
        check_received_text([part.body], "the note")
        sync.store_note(session, case.id, part)
    elif isinstance(part, PersonPart):
        check_received_text([part.description], "the description")
        sync.store_person(session, case.id, part)
    elif isinstance(part, LinkPart):
        sync.store_link(session, case.id, part)
    elif isinstance(part, OperationPart):
        check_received_text([part.place, part.outcome], "the operation")
        sync.store_operation(session, case.id, part)
    elif isinstance(part, AssetPart):
        existing = session.get(Asset, part.id)
        if existing is not None and existing.party != sender:
            raise Rejected("an asset is kept up to date by the side that recorded it")
        sync.store_asset(session, case.id, part)
    elif isinstance(part, GroupPart):
        sync.store_group(session, case.id, part)
    elif isinstance(part, EvidencePart):
        sync.store_evidence(session, case.id, part)
    else:
        raise Rejected(f"a contribution of {name} is not understood here")


def _apply_task(session: Session, case: JointCase, body: ContributionMessage, sender: str,
                now: dt.datetime) -> None:
    assert body.task is not None
    part = body.task
    existing = session.get(CaseTask, part.id)
    if existing is None:
        _check_kind(body.event.kind, "task_assigned")
        _own_unit(session, part, sender)
        if part.assigned_unit_code not in {row.unit.code for row in service.case_units(session, case.id)}:
            raise Rejected(f"{part.assigned_unit_code} is not on the case")
    else:
        _check_kind(body.event.kind, "task_done")
        if named_unit(session, existing.assigned_unit_code).party_code != sender:
            raise Rejected("only the unit a task is assigned to marks it done")
    sync.store_task(session, case.id, part, case.owner_party, now)

