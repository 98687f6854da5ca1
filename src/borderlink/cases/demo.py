"""Demo cases and handovers (data/demo_cases.json): each side opens a joint case or two with the
other side's units, with notes, persons, an operation and its seizures, a task, an asset and an
intercepted group, and Vietnam proposes a handover at Móng Cái, so a new user sees every part of
the domain, and the other side's replicas once both demo nodes serve."""

from __future__ import annotations

import datetime as dt
from typing import Any

from borderlink.cases import handovers, operations, persons, service
from borderlink.cases.schemas import (
    AssetCreate,
    CaseCreate,
    GroupCreate,
    HandoverCreate,
    NoteCreate,
    OperationCreate,
    PersonCreate,
    TaskCreate,
)
from borderlink.shared.demo_seed import DemoSeed, data_file


def seed_demo(demo: DemoSeed) -> None:
    data = demo.for_party(data_file("borderlink.cases", "demo_cases.json"))
    if not data:
        return
    for item in data["cases"]:
        _seed_case(demo, item)
    for item in data["handovers"]:
        principal = demo.principal(item["by"])
        planned = demo.now + dt.timedelta(days=item["planned_days"])
        handovers.propose(demo.session, principal, HandoverCreate.model_validate(
            {**item["handover"], "planned_at": planned.isoformat()}), demo.now)


def _seed_case(demo: DemoSeed, item: dict[str, Any]) -> None:
    session, now = demo.session, demo.now
    principal = demo.principal(item["by"])
    case = service.create_case(session, principal, CaseCreate.model_validate(item["case"]), now)
    for note in item.get("notes", []):
        service.add_note(session, principal, case.id, NoteCreate.model_validate(note), now)
    for person in item.get("persons", []):
        persons.add_person(session, principal, case.id, PersonCreate.model_validate(person), now)
    for operation in item.get("operations", []):
        operations.add_operation(session, principal, case.id, OperationCreate.model_validate(operation), now)
    for task in item.get("tasks", []):
        deadline = now + dt.timedelta(days=task["deadline_days"])
        operations.add_task(session, principal, case.id, TaskCreate.model_validate(
            {"assigned_unit_code": task["assigned_unit_code"], "title": task["title"],
             "deadline_at": deadline.isoformat()}), now)
    for asset in item.get("assets", []):
        operations.add_asset(session, principal, case.id, AssetCreate.model_validate(asset), now)
    for group in item.get("groups", []):
        at = now + dt.timedelta(days=group["intercepted_at_days"])
        fields = {k: v for k, v in group.items() if k != "intercepted_at_days"}
        operations.add_group(session, principal, case.id, GroupCreate.model_validate(
            {**fields, "intercepted_at": at.isoformat()}), now)
