"""Joint cases: opening one with units of both sides, who sees it, its status, units, agreement
and notes, and the way every change reaches the other side.

The owner (the side that opened the case) sends the case's shared state after each change
(`share`); the other side sends what it adds as a contribution, which the owner applies and shares
again (sync.py). Internal notes and informants are never put in either message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from borderlink.cases.models import (
    LIFECYCLE,
    OBJECT_TYPE,
    STATUS_EVENTS,
    TIMELINE,
    CaseNote,
    CasePerson,
    CaseStatus,
    CaseUnit,
    JointCase,
    Perm,
)
from borderlink.cases.schemas import AgreementExtension, CaseCreate, NoteCreate
from borderlink.directory import service as directory
from borderlink.directory.models import Unit
from borderlink.directory.permissions import Principal
from borderlink.errors import Forbidden, InvalidInput, NotFound
from borderlink.exchange.context import now_of
from borderlink.ids import new_id
from borderlink.safeguards.offences import require_allowed
from borderlink.shared import workfeed
from borderlink.shared.objectkinds import ObjectKind
from borderlink.shared.paging import fold_for_search
from borderlink.shared.replicated import is_owner, require_owner, side_of, validate_contribution_text
from borderlink.shared.timeline import N_, Detail, TimelineEvent
from borderlink.shared.workfeed import Reason

NOT_FOUND = N_("There is no such case, or you may not see it.")


# --- visibility ------------------------------------------------------------------------------

def names_persons(session: Session, case_id: str) -> bool:
    return bool(session.scalar(select(exists().where(CasePerson.case_id == case_id))))


CASE_KIND = ObjectKind(OBJECT_TYPE, JointCase, "cases", Perm.READ, NOT_FOUND,
                       names_person=lambda session, case: names_persons(session, case.id))


def case_units(session: Session, case_id: str) -> list[CaseUnit]:
    return list(session.scalars(select(CaseUnit).where(CaseUnit.case_id == case_id).order_by(
        CaseUnit.lead.desc(), CaseUnit.party, CaseUnit.id)))


def units_of_party(session: Session, case_id: str, party: str) -> list[Unit]:
    return [row.unit for row in case_units(session, case_id) if row.party == party]


def require_work(principal: Principal, permission: str = Perm.CONTRIBUTE) -> None:
    if not principal.can(permission):
        raise Forbidden("Your role may not do this (%(permission)s).", permission=permission)


def acting_unit(session: Session, principal: Principal) -> Unit:
    return directory.get_unit(session, principal.unit_id)


# --- timeline and feed -----------------------------------------------------------------------

def record(session: Session, case: JointCase, kind: str, at: dt.datetime, party: str, unit_code: str | None,
           detail: Detail | None = None, event_id: str | None = None) -> TimelineEvent | None:
    event = TIMELINE.record(session, case.id, kind, at, party, unit_code, detail, event_id)
    if event is not None:
        case.updated_at = max(case.updated_at, at)
    return event


def place_in_feeds(session: Session, case: JointCase, party: str, now: dt.datetime, *,
                   except_unit: str | None = None) -> None:
    """The case is in the feed of every unit of this side named on it; something changed on it."""
    for row in case_units(session, case.id):
        if row.party != party:
            continue
        if workfeed.entry_of(session, CASE_KIND.ref(case.id), row.unit_id) is None:
            reason = Reason.SENT if row.lead and is_owner(case, party) else (
                Reason.SHARED if is_owner(case, party) else Reason.RECEIVED)
            CASE_KIND.put(session, case.id, row.unit_id, reason, now, unread=row.unit_id != except_unit)
    CASE_KIND.touch(session, case.id, now, except_unit=except_unit)


def changed(session: Session, principal: Principal, case: JointCase, now: dt.datetime,
            event: TimelineEvent | None, **item: object) -> None:
    """A change made on this node: the feeds hear of it, and the other side gets it (the owner
    shares the whole case again; the other side sends its contribution)."""
    from borderlink.cases import sync  # sync builds on this module

    place_in_feeds(session, case, principal.party, now, except_unit=principal.unit_id)
    if is_owner(case, principal.party):
        sync.share(session, case, now)
    elif event is not None:
        sync.contribute(session, case, event, **item)


# --- opening a case --------------------------------------------------------------------------

def _require_offences(codes: Iterable[str]) -> list[str]:
    found = []
    for code in codes:
        require_allowed(code)
        if code not in found:
            found.append(code)
    return found


def unit_by_code(session: Session, code: str, field: str) -> Unit:
    try:
        return directory.get_unit_by_code(session, code)
    except NotFound:
        raise InvalidInput("There is no unit %(unit)s.", field=field, unit=code) from None


def create_case(session: Session, principal: Principal, data: CaseCreate, now: dt.datetime) -> JointCase:
    require_work(principal, Perm.MANAGE)
    lead = unit_by_code(session, data.lead_unit_code, "lead_unit_code") if data.lead_unit_code else \
        acting_unit(session, principal)
    if not principal.covers_unit(lead.id):
        raise InvalidInput("The lead unit is your unit or one below it.", field="lead_unit_code")
    offences = _require_offences(data.offence_codes)
    validate_contribution_text([data.title, data.summary, data.legal_basis], "the case")
    units = {lead.code: lead}
    for code in data.unit_codes:
        units.setdefault(code, unit_by_code(session, code, "unit_codes"))
    if not any(unit.party_code != principal.party for unit in units.values()):
        raise InvalidInput("A joint case names at least one unit of the other side.", field="unit_codes")
    case = JointCase(
        id=new_id(), owner_party=principal.party, title=data.title, case_type=data.case_type,
        offence_codes=offences, summary=data.summary, lead_unit_id=lead.id, status=CaseStatus.OPEN,
        legal_basis=data.legal_basis, handling_code=data.handling_code, jit_reference=data.jit_reference,
        jit_starts_on=data.jit_starts_on, jit_ends_on=data.jit_ends_on, jit_extensions=[],
        author_name=principal.display_name, created_at=now, updated_at=now, version=1,
        search_text=fold_for_search(" ".join([data.title, data.summary, *offences])),
    )
    session.add(case)
    session.flush()
    for unit in units.values():
        session.add(CaseUnit(case_id=case.id, unit_id=unit.id, party=unit.party_code, lead=unit.id == lead.id))
    session.flush()
    record(session, case, "opened", now, principal.party, lead.code, Detail.text(principal.display_name))
    if data.jit_reference:
        record(session, case, "agreement", now, principal.party, lead.code,
               TIMELINE.detail("agreement", reference=data.jit_reference, until=str(data.jit_ends_on)))
    place_in_feeds(session, case, principal.party, now, except_unit=principal.unit_id)
    from borderlink.cases import sync

    sync.share(session, case, now, new=True)
    return case


# --- the owner's changes ---------------------------------------------------------------------

def change_status(session: Session, principal: Principal, case_id: str, status: CaseStatus, reason: str,
                  now: dt.datetime) -> JointCase:
    case = CASE_KIND.visible(session, principal, case_id)
    event_name = STATUS_EVENTS.get(status)
    if event_name is None:
        raise InvalidInput("A case cannot be set back to open.", field="status")
    LIFECYCLE.require(case.status, event_name, side=side_of(case, principal.party), can=principal.can,
                      no_permission=N_("Your role may not change the status of a case."),
                      wrong_side=N_("Only the side that opened the case changes its status."),
                      wrong_state=N_("The case cannot move to this status from its present one."))
    validate_contribution_text([reason], "the reason")
    case.status = status
    case.status_reason = reason
    event = record(session, case, event_name, now, principal.party, acting_unit(session, principal).code,
                   TIMELINE.detail(event_name, reason=reason))
    changed(session, principal, case, now, event)
    return case


def add_unit(session: Session, principal: Principal, case_id: str, unit_code: str, now: dt.datetime) -> JointCase:
    case = CASE_KIND.visible(session, principal, case_id)
    require_work(principal, Perm.MANAGE)
    require_owner(case, principal.party, N_("Only the side that opened the case adds units to it."))
    unit = unit_by_code(session, unit_code, "unit_code")
    if any(row.unit_id == unit.id for row in case_units(session, case.id)):
        raise InvalidInput("%(unit)s is on the case already.", field="unit_code", unit=unit.code)
    session.add(CaseUnit(case_id=case.id, unit_id=unit.id, party=unit.party_code, lead=False))
    session.flush()
    event = record(session, case, "unit_added", now, principal.party, acting_unit(session, principal).code,
                   TIMELINE.detail("unit_added", unit=unit.code))
    changed(session, principal, case, now, event)
    return case


def extend_agreement(session: Session, principal: Principal, case_id: str, data: AgreementExtension,
                     now: dt.datetime) -> JointCase:
    case = CASE_KIND.visible(session, principal, case_id)
    require_work(principal, Perm.MANAGE)
    require_owner(case, principal.party, N_("Only the side that opened the case records its agreement."))
    if case.jit_reference is None or case.jit_ends_on is None:
        raise InvalidInput("This case has no joint investigation team agreement.", field="until")
    if data.until <= case.jit_ends_on:
        raise InvalidInput("An extension ends after %(until)s.", field="until", until=str(case.jit_ends_on))
    validate_contribution_text([data.reason], "the reason")
    case.jit_extensions = [*case.jit_extensions, {"until": data.until.isoformat(), "reason": data.reason}]
    case.jit_ends_on = data.until
    event = record(session, case, "agreement_extended", now, principal.party, acting_unit(session, principal).code,
                   TIMELINE.detail("agreement_extended", until=data.until.isoformat()))
    changed(session, principal, case, now, event)
    return case


# --- notes -----------------------------------------------------------------------------------

def add_note(session: Session, principal: Principal, case_id: str, data: NoteCreate, now: dt.datetime) -> CaseNote:
    """A shared note reaches the other side; an internal one stays here and is not on the shared
    timeline (which both sides hold alike)."""
    case = CASE_KIND.visible(session, principal, case_id)
    require_work(principal)
    if data.shared:
        validate_contribution_text([data.body], "the note")
    unit = acting_unit(session, principal)
    note = CaseNote(id=new_id(), case_id=case.id, party=principal.party, unit_code=unit.code,
                    author_name=principal.display_name, created_at=now, shared=data.shared, body=data.body)
    session.add(note)
    session.flush()
    if not data.shared:
        place_in_feeds(session, case, principal.party, now, except_unit=principal.unit_id)
        return note
    event = record(session, case, "note", now, principal.party, unit.code, Detail.text(principal.display_name))
    changed(session, principal, case, now, event, note=note)
    return note


def notes(session: Session, case_id: str, *, shared_only: bool = False) -> list[CaseNote]:
    query = select(CaseNote).where(CaseNote.case_id == case_id)
    if shared_only:
        query = query.where(CaseNote.shared.is_(True))
    return list(session.scalars(query.order_by(CaseNote.created_at, CaseNote.id)))


def timeline(session: Session, case_id: str) -> list[TimelineEvent]:
    return TIMELINE.events(session, case_id)


def session_now(session: Session) -> dt.datetime:
    return now_of(session)
