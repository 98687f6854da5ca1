"""Cases JSON API: open and list joint cases, read one, and work on it."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from borderlink.cases import operations, persons, service
from borderlink.cases.models import EVIDENCE_MAX_BYTES, Perm
from borderlink.cases.schemas import (
    AgreementExtension,
    AssetCreate,
    AssetUpdate,
    CaseCreate,
    CaseFilter,
    CaseListOut,
    CaseOut,
    CustodyCreate,
    EvidenceCreate,
    GroupCreate,
    LinkCreate,
    NoteCreate,
    OperationCreate,
    PersonCreate,
    StatusChange,
    TaskCreate,
    UnitAdd,
)
from borderlink.cases.views import CSV_PARTS, case_csv, case_out, list_cases
from borderlink.directory.permissions import Principal
from borderlink.shared.body_limit import KIB, max_body
from borderlink.shared.contracts import Timestamp
from borderlink.web.deps import DbSession, node_now, require

router = APIRouter(prefix="/cases", tags=["cases"])
Reader = Annotated[Principal, Depends(require(Perm.READ))]
Contributor = Annotated[Principal, Depends(require(Perm.CONTRIBUTE))]
Manager = Annotated[Principal, Depends(require(Perm.MANAGE))]


def _out(session: DbSession, principal: Principal, case_id: str) -> CaseOut:
    session.flush()
    return case_out(session, principal, service.CASE_KIND.visible(session, principal, case_id))


@router.get("", response_model=CaseListOut)
def get_cases(session: DbSession, principal: Reader, filters: Annotated[CaseFilter, Query()]) -> CaseListOut:
    """Cases held by your unit and the units below it, latest change first, a page at a time."""
    return list_cases(session, principal, filters)


@router.post("", response_model=CaseOut, status_code=201)
def create_case(body: CaseCreate, request: Request, session: DbSession, principal: Manager) -> CaseOut:
    """Open a joint case; the other side's units named on it receive it."""
    created = service.create_case(session, principal, body, node_now(request))
    return _out(session, principal, created.id)


@router.get("/immigration-figures")
def immigration_figures(session: DbSession, principal: Reader, since: Timestamp | None = None,
                        until: Timestamp | None = None) -> dict[str, Any]:
    """Illegal-immigration cases and the people in them, counted from the groups recorded."""
    figures = operations.immigration_figures(session, principal, since, until)
    return {"cases": figures.cases, "people": figures.people, "minors": figures.minors, "groups": figures.groups,
            "text": figures.text}


@router.get("/{case_id}", response_model=CaseOut)
def get_case(case_id: str, request: Request, session: DbSession, principal: Reader) -> CaseOut:
    return case_out(session, principal, service.CASE_KIND.read(session, principal, case_id, node_now(request)))


@router.post("/{case_id}/status", response_model=CaseOut)
def change_status(case_id: str, body: StatusChange, request: Request, session: DbSession,
                  principal: Manager) -> CaseOut:
    service.change_status(session, principal, case_id, body.status, body.reason, node_now(request))
    return _out(session, principal, case_id)


@router.post("/{case_id}/units", response_model=CaseOut)
def add_unit(case_id: str, body: UnitAdd, request: Request, session: DbSession, principal: Manager) -> CaseOut:
    service.add_unit(session, principal, case_id, body.unit_code, node_now(request))
    return _out(session, principal, case_id)


@router.post("/{case_id}/agreement/extensions", response_model=CaseOut)
def extend_agreement(case_id: str, body: AgreementExtension, request: Request, session: DbSession,
                     principal: Manager) -> CaseOut:
    service.extend_agreement(session, principal, case_id, body, node_now(request))
    return _out(session, principal, case_id)


@router.post("/{case_id}/notes", response_model=CaseOut, status_code=201)
def add_note(case_id: str, body: NoteCreate, request: Request, session: DbSession, principal: Contributor) -> CaseOut:
    """An internal note (the default) stays on this node; a shared one reaches the other side."""
    service.add_note(session, principal, case_id, body, node_now(request))
    return _out(session, principal, case_id)


@router.post("/{case_id}/persons", response_model=CaseOut, status_code=201)
def add_person(case_id: str, body: PersonCreate, request: Request, session: DbSession,
               principal: Contributor) -> CaseOut:
    """A person in a role; an informant never leaves this node, a victim is protected."""
    persons.add_person(session, principal, case_id, body, node_now(request))
    return _out(session, principal, case_id)


@router.post("/{case_id}/links", response_model=CaseOut, status_code=201)
def add_link(case_id: str, body: LinkCreate, request: Request, session: DbSession, principal: Contributor) -> CaseOut:
    persons.add_link(session, principal, case_id, body, node_now(request))
    return _out(session, principal, case_id)


@router.post("/{case_id}/operations", response_model=CaseOut, status_code=201)
def add_operation(case_id: str, body: OperationCreate, request: Request, session: DbSession,
                  principal: Contributor) -> CaseOut:
    operations.add_operation(session, principal, case_id, body, node_now(request))
    return _out(session, principal, case_id)


@router.post("/{case_id}/tasks", response_model=CaseOut, status_code=201)
def add_task(case_id: str, body: TaskCreate, request: Request, session: DbSession, principal: Contributor) -> CaseOut:
    """A task for a unit of either side on the case, in that unit's work feed until done."""
    operations.add_task(session, principal, case_id, body, node_now(request))
    return _out(session, principal, case_id)


@router.post("/{case_id}/tasks/{task_id}/done", response_model=CaseOut)
def complete_task(case_id: str, task_id: str, request: Request, session: DbSession,
                  principal: Contributor) -> CaseOut:
    operations.complete_task(session, principal, case_id, task_id, node_now(request))
    return _out(session, principal, case_id)


@router.post("/{case_id}/evidence", response_model=CaseOut, status_code=201)
@max_body(4 * ((EVIDENCE_MAX_BYTES + 2) // 3) + 64 * KIB)
def add_evidence(case_id: str, body: EvidenceCreate, request: Request, session: DbSession,
                 principal: Contributor) -> CaseOut:
    """An item of evidence with its file (kept here, its SHA-256 taken from the stored bytes) or
    the SHA-256 alone."""
    operations.add_evidence(session, principal, case_id, body, node_now(request))
    return _out(session, principal, case_id)


@router.post("/{case_id}/evidence/{evidence_id}/custody", response_model=CaseOut)
def pass_custody(case_id: str, evidence_id: str, body: CustodyCreate, request: Request, session: DbSession,
                 principal: Contributor) -> CaseOut:
    operations.pass_custody(session, principal, case_id, evidence_id, body, node_now(request))
    return _out(session, principal, case_id)


@router.post("/{case_id}/assets", response_model=CaseOut, status_code=201)
def add_asset(case_id: str, body: AssetCreate, request: Request, session: DbSession, principal: Contributor) -> CaseOut:
    operations.add_asset(session, principal, case_id, body, node_now(request))
    return _out(session, principal, case_id)


@router.post("/{case_id}/assets/{asset_id}", response_model=CaseOut)
def update_asset(case_id: str, asset_id: str, body: AssetUpdate, request: Request, session: DbSession,
                 principal: Contributor) -> CaseOut:
    operations.update_asset(session, principal, case_id, asset_id, body, node_now(request))
    return _out(session, principal, case_id)


@router.post("/{case_id}/immigration-groups", response_model=CaseOut, status_code=201)
def add_group(case_id: str, body: GroupCreate, request: Request, session: DbSession,
              principal: Contributor) -> CaseOut:
    operations.add_group(session, principal, case_id, body, node_now(request))
    return _out(session, principal, case_id)


@router.get("/{case_id}/export.csv", response_class=Response)
def export_csv(case_id: str, request: Request, session: DbSession, principal: Reader,
               part: str = Query(pattern="^(persons|seizures|assets)$")) -> Response:
    """The case's persons, seizures or assets as CSV."""
    case = service.CASE_KIND.read(session, principal, case_id, node_now(request))
    assert part in CSV_PARTS
    return Response(case_csv(session, principal, case, part), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="case-{case.id}-{part}.csv"'})


@router.get("/{case_id}/persons.ftm.json")
def export_ftm(case_id: str, request: Request, session: DbSession, principal: Reader) -> list[dict[str, Any]]:
    """The case's persons as FollowTheMoney `Person` entities."""
    case = service.CASE_KIND.read(session, principal, case_id, node_now(request))
    return persons.ftm_entities(session, case.id, case.case_type.value, principal)
