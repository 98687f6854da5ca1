"""How cases, their tasks and handovers appear on the home page's work feed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import exists, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from borderlink.cases.codes import CODE_LISTS
from borderlink.cases.handover_models import Handover, HandoverStatus
from borderlink.cases.models import CaseStatus, CaseTask, JointCase, TaskStatus
from borderlink.shared.feedkinds import FeedCard

_HANDOVER_DONE = (HandoverStatus.COMPLETED, HandoverStatus.CANCELLED)


def case_is_open(id_column: ColumnElement[str]) -> ColumnElement[bool]:
    return exists().where(JointCase.id == id_column, JointCase.status != CaseStatus.CLOSED)


def task_is_open(id_column: ColumnElement[str]) -> ColumnElement[bool]:
    return exists().where(CaseTask.id == id_column, CaseTask.status == TaskStatus.OPEN)


def handover_is_open(id_column: ColumnElement[str]) -> ColumnElement[bool]:
    return exists().where(Handover.id == id_column, Handover.status.not_in(_HANDOVER_DONE))


def case_cards(session: Session, case_ids: Sequence[str], language: str) -> Mapping[str, FeedCard]:
    kind, status = CODE_LISTS["cases.type"], CODE_LISTS["cases.status"]
    return {row.id: FeedCard(title=row.title, href=f"/cases/{row.id}", detail=" · ".join([
        row.lead_unit.name(language), kind.label(row.case_type.value, language),
        status.label(row.status.value, language)]))
        for row in session.scalars(select(JointCase).where(JointCase.id.in_(case_ids)))}


def task_cards(session: Session, task_ids: Sequence[str], language: str) -> Mapping[str, FeedCard]:
    status = CODE_LISTS["cases.task_status"]
    rows = session.execute(select(CaseTask, JointCase.title).join(JointCase, JointCase.id == CaseTask.case_id)
                           .where(CaseTask.id.in_(task_ids)))
    return {task.id: FeedCard(title=task.title, href=f"/cases/{task.case_id}", detail=" · ".join([
        title, task.assigned_unit_code, status.label(task.status.value, language)]))
        for task, title in rows}


def handover_cards(session: Session, handover_ids: Sequence[str], language: str) -> Mapping[str, FeedCard]:
    kind, status = CODE_LISTS["cases.handover_kind"], CODE_LISTS["cases.handover_status"]
    cards = {}
    for row in session.scalars(select(Handover).where(Handover.id.in_(handover_ids))):
        names = ", ".join(str(p.get("name", "")) for p in row.persons)
        cards[row.id] = FeedCard(title=f"{kind.label(row.kind.value, language)}: {names}", href=f"/handovers/{row.id}",
                                 detail=" · ".join([f"{row.handing_gate.code} → {row.receiving_gate.code}",
                                                    status.label(row.status.value, language)]))
    return cards
