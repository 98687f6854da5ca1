"""Handovers JSON API: propose, accept or propose another time, confirm at the gate, cancel."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from borderlink.cases import handovers
from borderlink.cases.handover_models import TIMELINE, Handover
from borderlink.cases.models import Perm
from borderlink.cases.schemas import (
    HandoverAccept,
    HandoverCancel,
    HandoverCounter,
    HandoverCreate,
    HandoverFilter,
    HandoverListOut,
    HandoverOut,
)
from borderlink.directory.permissions import Principal
from borderlink.web.deps import DbSession, node_now, require

router = APIRouter(prefix="/handovers", tags=["handovers"])
Reader = Annotated[Principal, Depends(require(Perm.READ))]
Handler = Annotated[Principal, Depends(require(Perm.HANDOVER))]
Confirmer = Annotated[Principal, Depends(require(Perm.CONFIRM))]


def handover_out(session: Session, handover: Handover, language: str | None = None) -> HandoverOut:
    session.flush()
    return HandoverOut(
        id=handover.id, owner_party=handover.owner_party, kind=handover.kind.value, status=handover.status.value,
        handing_unit_code=handover.handing_unit.code, receiving_unit_code=handover.receiving_unit.code,
        handing_gate_code=handover.handing_gate.code, receiving_gate_code=handover.receiving_gate.code,
        case_id=handover.case_id, alert_id=handover.alert_id, planned_at=handover.planned_at,
        planned_local=handovers.planned_local(handover.planned_at), counter_at=handover.counter_at,
        persons=handover.persons, escorts=handover.escorts, checklist=handover.checklist, note=handover.note,
        protection_service=handover.protection_service,
        confirmations=[{"party": c.party, "unit_code": c.unit_code, "officer_name": c.officer_name, "at": c.at}
                       for c in handovers.confirmations(session, handover.id)],
        completed_at=handover.completed_at,
        timeline=TIMELINE.out(session, handover.id, language))


@router.get("", response_model=HandoverListOut)
def list_handovers(session: DbSession, principal: Reader,
                   filters: Annotated[HandoverFilter, Query()]) -> HandoverListOut:
    """Handovers held by your unit and the units below it, latest change first."""
    items, next_cursor, prev_cursor = handovers.handovers_page(session, principal, filters)
    return HandoverListOut(items=[handover_out(session, h) for h in items], next_cursor=next_cursor,
                           prev_cursor=prev_cursor)


@router.post("", response_model=HandoverOut, status_code=201)
def propose(body: HandoverCreate, request: Request, session: DbSession, principal: Handler) -> HandoverOut:
    """Propose a handover at one of your gates; the facing gate's side accepts or proposes another time."""
    return handover_out(session, handovers.propose(session, principal, body, node_now(request)))


@router.get("/{handover_id}", response_model=HandoverOut)
def get_handover(handover_id: str, session: DbSession, principal: Reader) -> HandoverOut:
    return handover_out(session, handovers.HANDOVER_KIND.visible(session, principal, handover_id))


@router.post("/{handover_id}/accept", response_model=HandoverOut)
def accept(handover_id: str, request: Request, session: DbSession, principal: Handler,
           body: HandoverAccept | None = None) -> HandoverOut:
    """The receiving side accepts the proposal (a victim's: naming the protection service), or the
    handing side accepts the other time proposed."""
    return handover_out(session, handovers.accept(session, principal, handover_id, body or HandoverAccept(),
                                                  node_now(request)))


@router.post("/{handover_id}/counter", response_model=HandoverOut)
def counter(handover_id: str, body: HandoverCounter, request: Request, session: DbSession,
            principal: Handler) -> HandoverOut:
    """The receiving side proposes another time."""
    return handover_out(session, handovers.counter(session, principal, handover_id, body, node_now(request)))


@router.post("/{handover_id}/confirm", response_model=HandoverOut)
def confirm(handover_id: str, request: Request, session: DbSession, principal: Confirmer) -> HandoverOut:
    """This side's gate officer confirms the handover; it is complete once both sides have."""
    return handover_out(session, handovers.confirm(session, principal, handover_id, node_now(request)))


@router.post("/{handover_id}/cancel", response_model=HandoverOut)
def cancel(handover_id: str, body: HandoverCancel, request: Request, session: DbSession,
           principal: Handler) -> HandoverOut:
    return handover_out(session, handovers.cancel(session, principal, handover_id, body, node_now(request)))
