"""Handovers JSON API: propose, accept or propose another time, confirm at the gate, cancel."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any

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
from borderlink.web import form_pages as forms
from borderlink.web.deps import DbSession, node_now, require
from borderlink.web.object_actions import Acting, ObjectAction, add_api_routes

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


def _counter_form(values: Mapping[str, str], acting: Acting) -> dict[str, Any]:
    """A time typed on the page is the reader's own local time."""
    return forms.local_times({name: value for name, value in values.items() if value}, ("planned_at",), acting.zone)


# What is done to a handover alike from its page and from the API (cancelling asks first on the
# page, so it is written out on each).
HANDOVER_ACTIONS = (
    ObjectAction("accept", "/{handover_id}/accept", Perm.HANDOVER, body=HandoverAccept, body_optional=True,
                 run=lambda on, body: handovers.accept(on.session, on.principal, on.object_id,
                                                       body or HandoverAccept(), on.now),
                 answer=lambda on, done: handover_out(on.session, done), response_model=HandoverOut,
                 outcome="accepted", page_path="/handovers/{handover_id}/accept",
                 doc="The receiving side accepts the proposal (a victim's: naming the protection service), or the\n"
                     "handing side accepts the other time proposed."),
    ObjectAction("counter", "/{handover_id}/counter", Perm.HANDOVER, body=HandoverCounter, form=_counter_form,
                 run=lambda on, body: handovers.counter(on.session, on.principal, on.object_id, body, on.now),
                 answer=lambda on, done: handover_out(on.session, done), response_model=HandoverOut,
                 outcome="countered", page_path="/handovers/{handover_id}/counter",
                 doc="The receiving side proposes another time."),
    ObjectAction("confirm", "/{handover_id}/confirm", Perm.CONFIRM,
                 run=lambda on, _: handovers.confirm(on.session, on.principal, on.object_id, on.now),
                 answer=lambda on, done: handover_out(on.session, done), response_model=HandoverOut,
                 outcome="confirmed", page_path="/handovers/{handover_id}/confirm",
                 doc="This side's gate officer confirms the handover; it is complete once both sides have."),
)
add_api_routes(router, HANDOVER_ACTIONS)


@router.post("/{handover_id}/cancel", response_model=HandoverOut)
def cancel(handover_id: str, body: HandoverCancel, request: Request, session: DbSession,
           principal: Handler) -> HandoverOut:
    return handover_out(session, handovers.cancel(session, principal, handover_id, body, node_now(request)))
