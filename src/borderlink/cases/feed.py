"""How cases, their tasks and handovers appear on the home page's work feed."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderlink.cases.codes import CODE_LISTS
from borderlink.cases.handover_models import Handover
from borderlink.cases.models import CaseTask, JointCase
from borderlink.shared.feedkinds import FeedCard


def case_card(row: JointCase, language: str) -> FeedCard:
    kind, status = CODE_LISTS["cases.type"], CODE_LISTS["cases.status"]
    return FeedCard(title=row.title, href=f"/cases/{row.id}", detail=" · ".join([
        row.lead_unit.name(language), kind.label(row.case_type.value, language),
        status.label(row.status.value, language)]))


def task_cards(session: Session, task_ids: Sequence[str], language: str) -> Mapping[str, FeedCard]:
    """A task's card names its case, read in the same statement (a task has no relationship to it)."""
    status = CODE_LISTS["cases.task_status"]
    rows = session.execute(select(CaseTask, JointCase.title).join(JointCase, JointCase.id == CaseTask.case_id)
                           .where(CaseTask.id.in_(task_ids)))
    return {task.id: FeedCard(title=task.title, href=f"/cases/{task.case_id}", detail=" · ".join([
        title, task.assigned_unit_code, status.label(task.status.value, language)]))
        for task, title in rows}


def handover_card(row: Handover, language: str) -> FeedCard:
    kind, status = CODE_LISTS["cases.handover_kind"], CODE_LISTS["cases.handover_status"]
    names = ", ".join(str(p.get("name", "")) for p in row.persons)
    return FeedCard(title=f"{kind.label(row.kind.value, language)}: {names}", href=f"/handovers/{row.id}",
                    detail=" · ".join([f"{row.handing_gate.code} → {row.receiving_gate.code}",
                                       status.label(row.status.value, language)]))
