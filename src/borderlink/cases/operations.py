"""Work on a case: operations and their seizures, tasks for a unit of either side, the evidence
log with its custody chain, asset recovery and intercepted groups of illegal immigrants, with the
figures counted from these records ("N cases involving M people")."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import datetime as dt

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from borderlink.cases import service
from borderlink.cases.models import (
    EVIDENCE_MAX_BYTES,
    EVIDENCE_TYPE,
    OBJECT_TYPE,
    TASK_TYPE,
    TIMELINE,
    Asset,
    CaseTask,
    CustodyStep,
    EvidenceItem,
    ImmigrationGroup,
    JointCase,
    Operation,
    Seizure,
    TaskStatus,
)
from borderlink.cases.schemas import (
    AssetCreate,
    AssetUpdate,
    CustodyCreate,
    EvidenceCreate,
    GroupCreate,
    OperationCreate,
    TaskCreate,
)
from borderlink.directory import service as directory
from borderlink.directory.permissions import Principal
from borderlink.errors import InvalidInput, NotFound
from borderlink.ids import new_id
from borderlink.shared import attachments, scoping, workfeed
from borderlink.shared.attachments import Attachable
from borderlink.shared.replicated import validate_contribution_text
from borderlink.shared.workfeed import ObjectRef, Reason


def _recorded(principal: Principal, case: JointCase, unit_code: str, now: dt.datetime) -> dict[str, object]:
    return {"id": new_id(), "case_id": case.id, "party": principal.party, "unit_code": unit_code,
            "author_name": principal.display_name, "created_at": now}


def _case_unit_codes(session: Session, case: JointCase) -> set[str]:
    return {row.unit.code for row in service.case_units(session, case.id)}


def add_operation(session: Session, principal: Principal, case_id: str, data: OperationCreate,
                  now: dt.datetime) -> Operation:
    case = service.CASE_KIND.visible(session, principal, case_id)
    service.require_work(principal)
    named = _case_unit_codes(session, case)
    for code in data.unit_codes:
        if code not in named:
            raise InvalidInput("%(unit)s is not on this case.", field="unit_codes", unit=code)
    validate_contribution_text([data.place, data.outcome, *(s.description for s in data.seizures)], "the operation")
    unit = service.acting_unit(session, principal)
    operation = Operation(**_recorded(principal, case, unit.code, now), kind=data.kind, on_date=data.on_date,
                          place=data.place, unit_codes=list(data.unit_codes) or [unit.code], arrested=data.arrested,
                          rescued=data.rescued, outcome=data.outcome)
    session.add(operation)
    session.flush()
    for item in data.seizures:
        session.add(Seizure(id=new_id(), operation_id=operation.id, item_type=item.item_type, quantity=item.quantity,
                            unit=item.unit, currency=item.currency, description=item.description))
    session.flush()
    session.refresh(operation)
    event = service.record(session, case, "operation", now, principal.party, unit.code, TIMELINE.detail(
        "operation", operation=data.kind.value, place=data.place, arrested=data.arrested, rescued=data.rescued))
    service.changed(session, principal, case, now, event, operation=operation)
    return operation


# --- tasks -----------------------------------------------------------------------------------

def task_ref(task_id: str) -> ObjectRef:
    return ObjectRef(TASK_TYPE, task_id)


def put_task_in_feed(session: Session, task: CaseTask, local_party: str, now: dt.datetime) -> None:
    """A task sits, with its deadline, in the feed of the unit it is assigned to, on that unit's node."""
    unit = directory.get_unit_by_code(session, task.assigned_unit_code)
    if unit.party_code != local_party:
        return
    if task.status == TaskStatus.DONE:
        workfeed.set_deadline(session, task_ref(task.id), None)
        workfeed.touch(session, task_ref(task.id), now)
        return
    workfeed.put(session, task_ref(task.id), unit.id, Reason.DUE, now, deadline=task.deadline_at)


def add_task(session: Session, principal: Principal, case_id: str, data: TaskCreate, now: dt.datetime) -> CaseTask:
    case = service.CASE_KIND.visible(session, principal, case_id)
    service.require_work(principal)
    if data.assigned_unit_code not in _case_unit_codes(session, case):
        raise InvalidInput("%(unit)s is not on this case.", field="assigned_unit_code", unit=data.assigned_unit_code)
    deadline = data.deadline_at if data.deadline_at.tzinfo else data.deadline_at.replace(tzinfo=dt.UTC)
    if deadline <= now:
        raise InvalidInput("The deadline is in the past.", field="deadline_at")
    validate_contribution_text([data.title], "the task")
    unit = service.acting_unit(session, principal)
    task = CaseTask(**_recorded(principal, case, unit.code, now), assigned_unit_code=data.assigned_unit_code,
                    title=data.title, deadline_at=deadline, status=TaskStatus.OPEN)
    session.add(task)
    session.flush()
    put_task_in_feed(session, task, principal.party, now)
    event = service.record(session, case, "task_assigned", now, principal.party, unit.code,
                           TIMELINE.detail("task_assigned", unit=data.assigned_unit_code, title=data.title))
    service.changed(session, principal, case, now, event, task=task)
    return task


def complete_task(session: Session, principal: Principal, case_id: str, task_id: str, now: dt.datetime) -> CaseTask:
    case = service.CASE_KIND.visible(session, principal, case_id)
    service.require_work(principal)
    task = session.get(CaseTask, task_id)
    if task is None or task.case_id != case.id:
        raise NotFound("There is no such task on this case.")
    assigned = directory.get_unit_by_code(session, task.assigned_unit_code)
    if not principal.covers_unit(assigned.id):
        raise InvalidInput("Only the unit the task is assigned to marks it done.", field="task_id")
    if task.status == TaskStatus.DONE:
        raise InvalidInput("The task is done already.", field="task_id")
    task.status = TaskStatus.DONE
    task.done_at = now
    put_task_in_feed(session, task, principal.party, now)
    unit = service.acting_unit(session, principal)
    event = service.record(session, case, "task_done", now, principal.party, unit.code,
                           TIMELINE.detail("task_done", title=task.title))
    service.changed(session, principal, case, now, event, task=task)
    return task


# --- evidence --------------------------------------------------------------------------------

def evidence_ref(evidence_id: str) -> ObjectRef:
    return ObjectRef(EVIDENCE_TYPE, evidence_id)


def _content(data: EvidenceCreate) -> bytes | None:
    if data.content_base64 is None:
        return None
    try:
        return base64.b64decode(data.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise InvalidInput("The content is not valid base64.", field="content_base64") from None


def add_evidence(session: Session, principal: Principal, case_id: str, data: EvidenceCreate,
                 now: dt.datetime) -> EvidenceItem:
    """Log an item of evidence. Its file, when given, is kept with the item (shared/attachments.py)
    and the item's SHA-256 is that of the stored bytes; without a file the SHA-256 given fixes it."""
    case = service.CASE_KIND.visible(session, principal, case_id)
    service.require_work(principal)
    validate_contribution_text([data.item], "the item")
    content = _content(data)
    unit = service.acting_unit(session, principal)
    item = EvidenceItem(**_recorded(principal, case, unit.code, now), item=data.item, sha256=data.sha256 or "",
                        holder=data.holder)
    session.add(item)
    session.flush()
    stored = None
    if content is not None:
        stored = attachments.add(session, evidence_ref(item.id), data.filename or data.item,
                                 data.content_type or attachments.DOWNLOAD_TYPE, content, now,
                                 added_by=principal.label, max_bytes=EVIDENCE_MAX_BYTES, max_files=1)
        if data.sha256 is not None and data.sha256 != stored.sha256:
            raise InvalidInput("The file's SHA-256 is not the one given.", field="sha256")
        item.sha256 = stored.sha256
    session.flush()
    session.refresh(item)
    event = service.record(session, case, "evidence", now, principal.party, unit.code,
                           TIMELINE.detail("evidence", item=data.item))
    service.changed(session, principal, case, now, event, evidence=item)
    if stored is not None:
        from borderlink.cases import evidence_files  # the file follows the item across the border

        evidence_files.send(session, case, item, stored, principal.party)
    return item


def evidence_access(session: Session, principal: Principal, evidence_id: str) -> bool:
    """An evidence file is seen with its case; it bears a person's data where the case names persons."""
    item = session.get(EvidenceItem, evidence_id)
    if item is None:
        raise NotFound("There is no such file, or you may not see it.")
    service.CASE_KIND.visible(session, principal, item.case_id)
    return service.names_persons(session, item.case_id)


EVIDENCE_FILES = Attachable(EVIDENCE_TYPE, open_object=evidence_access, max_files=1, max_bytes=EVIDENCE_MAX_BYTES)


def pass_custody(session: Session, principal: Principal, case_id: str, evidence_id: str, data: CustodyCreate,
                 now: dt.datetime) -> EvidenceItem:
    case = service.CASE_KIND.visible(session, principal, case_id)
    service.require_work(principal)
    item = session.get(EvidenceItem, evidence_id)
    if item is None or item.case_id != case.id:
        raise NotFound("There is no such item of evidence on this case.")
    step = CustodyStep(id=new_id(), evidence_id=item.id, at=now, from_holder=item.holder, to_holder=data.to_holder,
                       purpose=data.purpose, party=principal.party)
    session.add(step)
    item.holder = data.to_holder
    session.flush()
    session.refresh(item)
    event = service.record(session, case, "custody", now, principal.party, service.acting_unit(session, principal).code,
                           TIMELINE.detail("custody", item=item.item, holder=data.to_holder))
    service.changed(session, principal, case, now, event, custody=step, custody_evidence_id=item.id)
    return item


# --- assets ----------------------------------------------------------------------------------

def add_asset(session: Session, principal: Principal, case_id: str, data: AssetCreate, now: dt.datetime) -> Asset:
    case = service.CASE_KIND.visible(session, principal, case_id)
    service.require_work(principal)
    validate_contribution_text([data.description], "the asset")
    unit = service.acting_unit(session, principal)
    asset = Asset(**_recorded(principal, case, unit.code, now), description=data.description, status=data.status,
                  value=data.value, currency=data.currency, held_by=data.held_by)
    session.add(asset)
    session.flush()
    event = service.record(session, case, "asset", now, principal.party, unit.code,
                           TIMELINE.detail("asset", item=data.description, status=data.status.value))
    service.changed(session, principal, case, now, event, asset=asset)
    return asset


def update_asset(session: Session, principal: Principal, case_id: str, asset_id: str, data: AssetUpdate,
                 now: dt.datetime) -> Asset:
    """An asset moves on (frozen, seized, returned); the side that recorded it keeps it up to date."""
    case = service.CASE_KIND.visible(session, principal, case_id)
    service.require_work(principal)
    asset = session.get(Asset, asset_id)
    if asset is None or asset.case_id != case.id:
        raise NotFound("There is no such asset on this case.")
    if asset.party != principal.party:
        raise InvalidInput("The side that recorded an asset keeps it up to date.", field="status")
    asset.status = data.status
    asset.held_by = data.held_by or asset.held_by
    event = service.record(session, case, "asset", now, principal.party, service.acting_unit(session, principal).code,
                           TIMELINE.detail("asset", item=asset.description, status=data.status.value))
    service.changed(session, principal, case, now, event, asset=asset)
    return asset


# --- illegal immigration ---------------------------------------------------------------------

def add_group(session: Session, principal: Principal, case_id: str, data: GroupCreate,
              now: dt.datetime) -> ImmigrationGroup:
    case = service.CASE_KIND.visible(session, principal, case_id)
    service.require_work(principal)
    if data.return_gate_code is not None:
        gate = service.unit_by_code(session, data.return_gate_code, "return_gate_code")
        if gate.tier != "post":
            raise InvalidInput("%(unit)s is not a gate or border post.", field="return_gate_code", unit=gate.code)
    validate_contribution_text([data.place], "the place")
    unit = service.acting_unit(session, principal)
    at = data.intercepted_at if data.intercepted_at.tzinfo else data.intercepted_at.replace(tzinfo=dt.UTC)
    group = ImmigrationGroup(**_recorded(principal, case, unit.code, now), intercepted_at=at, place=data.place,
                             side=data.side, people=data.people, minors=data.minors,
                             breakdown=[b.model_dump() for b in data.breakdown], outcome=data.outcome,
                             return_gate_code=data.return_gate_code,
                             organisers_prosecuted=data.organisers_prosecuted)
    session.add(group)
    session.flush()
    event = service.record(session, case, "group_intercepted", now, principal.party, unit.code,
                           TIMELINE.detail("group_intercepted", people=data.people, place=data.place))
    service.changed(session, principal, case, now, event, group=group)
    return group


@dataclasses.dataclass(frozen=True)
class ImmigrationFigures:
    cases: int
    people: int
    minors: int
    groups: int

    @property
    def text(self) -> str:
        return f"{self.cases} illegal immigration cases involving {self.people} people"


def immigration_figures(session: Session, principal: Principal, since: dt.datetime | None = None,
                        until: dt.datetime | None = None) -> ImmigrationFigures:
    """Cases with intercepted groups, and the people in them, among the cases the principal sees;
    counted from the groups recorded (by interception time when a period is given)."""
    visible = scoping.visible_clause(OBJECT_TYPE, ImmigrationGroup.__table__.c.case_id,
                                             principal.scope_unit_ids)
    query = select(func.count(distinct(ImmigrationGroup.case_id)), func.coalesce(func.sum(ImmigrationGroup.people), 0),
                   func.coalesce(func.sum(ImmigrationGroup.minors), 0), func.count()).where(visible)
    if since is not None:
        query = query.where(ImmigrationGroup.intercepted_at >= since)
    if until is not None:
        query = query.where(ImmigrationGroup.intercepted_at < until)
    cases, people, minors, groups = session.execute(query).one()
    return ImmigrationFigures(int(cases), int(people), int(minors), int(groups))


def operations(session: Session, case_id: str) -> list[Operation]:
    return list(session.scalars(select(Operation).where(Operation.case_id == case_id)
                                .order_by(Operation.on_date, Operation.id)))


def tasks(session: Session, case_id: str) -> list[CaseTask]:
    return list(session.scalars(select(CaseTask).where(CaseTask.case_id == case_id).order_by(CaseTask.deadline_at)))


def evidence(session: Session, case_id: str) -> list[EvidenceItem]:
    return list(session.scalars(select(EvidenceItem).where(EvidenceItem.case_id == case_id)
                                .order_by(EvidenceItem.created_at)))


def assets(session: Session, case_id: str) -> list[Asset]:
    return list(session.scalars(select(Asset).where(Asset.case_id == case_id).order_by(Asset.created_at)))


def groups(session: Session, case_id: str) -> list[ImmigrationGroup]:
    return list(session.scalars(select(ImmigrationGroup).where(ImmigrationGroup.case_id == case_id)
                                .order_by(ImmigrationGroup.intercepted_at)))
