"""Cases as the API and the pages show them, and the list of a principal's cases."""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy.orm import Session

from borderlink.cases import operations, persons, service
from borderlink.cases.models import (
    EVIDENCE_TYPE,
    OBJECT_TYPE,
    TIMELINE,
    CaseStatus,
    CaseType,
    JointCase,
    PersonRole,
)
from borderlink.cases.schemas import (
    AgreementExtension,
    AssetCreate,
    CaseFilter,
    CaseListOut,
    CaseOut,
    CaseSummaryOut,
    CustodyCreate,
    EvidenceCreate,
    GroupCreate,
    LinkCreate,
)
from borderlink.directory.permissions import Principal
from borderlink.shared import attachments, list_filters, paging, scoping, workfeed
from borderlink.shared.forms import input_limits
from borderlink.shared.workfeed import FeedEntry

LIST_SORT = paging.SortKey(workfeed.keyset_columns())


def case_out(session: Session, principal: Principal, case: JointCase, language: str | None = None,
             translate: Any = None) -> CaseOut:
    """The case as this principal may see it: internal notes of this node, protected persons only
    for those who need to know; timeline details in English unless a `language` is given."""
    people = persons.persons(session, case.id)
    shown_people = [p for p in people if p.role != PersonRole.INFORMANT or principal.can("cases.protected")]
    hidden_person_ids = {p.id for p in people} - {p.id for p in shown_people}
    evidence = operations.evidence(session, case.id)
    files = attachments.files_of_many(session, EVIDENCE_TYPE, [e.id for e in evidence])
    jit = None
    if case.jit_reference:
        jit = {"reference": case.jit_reference, "starts_on": case.jit_starts_on, "ends_on": case.jit_ends_on,
               "extensions": case.jit_extensions}
    return CaseOut(
        id=case.id, owner_party=case.owner_party, title=case.title, case_type=case.case_type.value,
        offence_codes=list(case.offence_codes), summary=case.summary, lead_unit_code=case.lead_unit.code,
        units=[{"unit_code": row.unit.code, "party": row.party, "lead": row.lead}
               for row in service.case_units(session, case.id)],
        status=case.status.value, status_reason=case.status_reason, legal_basis=case.legal_basis, jit=jit,
        handling_code=case.handling_code.value, author_name=case.author_name, created_at=case.created_at,
        updated_at=case.updated_at, version=case.version,
        notes=[{"id": n.id, "shared": n.shared, "party": n.party, "unit_code": n.unit_code,
                "author_name": n.author_name, "body": n.body, "created_at": n.created_at}
               for n in service.notes(session, case.id)],
        persons=[persons.person_out(p, principal, translate) for p in shown_people],
        links=[{"id": link.id, "link_type": link.link_type.value, "target_id": link.target_id, "label": link.label,
                "person_id": link.person_id, "party": link.party}
               for link in persons.links(session, case.id) if link.person_id not in hidden_person_ids],
        operations=[{"id": o.id, "kind": o.kind.value, "on_date": o.on_date, "place": o.place,
                     "unit_codes": o.unit_codes, "arrested": o.arrested, "rescued": o.rescued, "outcome": o.outcome,
                     "party": o.party, "unit_code": o.unit_code,
                     "seizures": [{"id": s.id, "item_type": s.item_type.value, "quantity": s.quantity,
                                   "unit": s.unit.value, "currency": s.currency, "description": s.description}
                                  for s in o.seizures]}
                    for o in operations.operations(session, case.id)],
        tasks=[{"id": t.id, "assigned_unit_code": t.assigned_unit_code, "title": t.title,
                "deadline_at": t.deadline_at, "status": t.status.value, "done_at": t.done_at, "party": t.party}
               for t in operations.tasks(session, case.id)],
        evidence=[{"id": e.id, "item": e.item, "sha256": e.sha256, "holder": e.holder, "party": e.party,
                   "custody": [{"id": c.id, "at": c.at, "from_holder": c.from_holder, "to_holder": c.to_holder,
                                "purpose": c.purpose, "party": c.party} for c in e.custody],
                   "files": [{"id": f.id, "filename": f.filename, "size": f.size, "sha256": f.sha256, "href": f.href}
                             for f in files[e.id]]}
                  for e in evidence],
        assets=[{"id": a.id, "description": a.description, "status": a.status.value, "value": a.value,
                 "currency": a.currency, "held_by": a.held_by, "party": a.party}
                for a in operations.assets(session, case.id)],
        immigration_groups=[{"id": g.id, "intercepted_at": g.intercepted_at, "place": g.place, "side": g.side,
                             "people": g.people, "minors": g.minors, "breakdown": g.breakdown,
                             "outcome": g.outcome.value, "return_gate_code": g.return_gate_code,
                             "organisers_prosecuted": g.organisers_prosecuted}
                            for g in operations.groups(session, case.id)],
        timeline=TIMELINE.out(session, case.id, language),
    )


def work_limits() -> dict[str, dict[str, dict[str, int]]]:
    """The limits of each work form on a case's page, by form (inputs of two forms share names)."""
    return {"evidence": input_limits(EvidenceCreate), "custody": input_limits(CustodyCreate),
            "asset": input_limits(AssetCreate), "group": input_limits(GroupCreate),
            "link": input_limits(LinkCreate), "agreement": input_limits(AgreementExtension)}


def list_cases(session: Session, principal: Principal, filters: CaseFilter) -> CaseListOut:
    """The cases in the feeds of the principal's units and those below, latest change first."""
    units = scoping.scope_units(principal)
    query = workfeed.latest_entries(OBJECT_TYPE, units).join(JointCase, JointCase.id == FeedEntry.object_id)
    query = query.where(*list_filters.all_of(
        list_filters.code(JointCase.status, CaseStatus, filters.status),
        list_filters.code(JointCase.case_type, CaseType, filters.case_type),
        JointCase.search_text.contains(filters.offence.strip(), autoescape=True) if filters.offence else None,
        list_filters.words(OBJECT_TYPE, JointCase.id, filters.q, JointCase.search_text)))
    page = paging.fetch_page(session, query.add_columns(JointCase), LIST_SORT, filters.limit, filters.cursor,
                             key_of=lambda row: (row[0].updated_at, row[0].id))
    held = workfeed.entries_for(session, OBJECT_TYPE, [entry.object_id for entry, _ in page.items], units)
    items = [CaseSummaryOut(id=case.id, title=case.title, case_type=case.case_type.value, status=case.status.value,
                            owner_party=case.owner_party, lead_unit_code=case.lead_unit.code,
                            offence_codes=list(case.offence_codes), updated_at=entry.updated_at,
                            unread=any(e.unread for e in held.get(case.id, [entry])))
             for entry, case in page.items]
    return CaseListOut(items=items, next_cursor=page.next_cursor, prev_cursor=page.prev_cursor)


CSV_PARTS = ("persons", "seizures", "assets")


def case_csv(session: Session, principal: Principal, case: JointCase, part: str) -> str:
    """One part of a case as CSV (UTF-8): its persons, its seizures or its assets."""
    out = io.StringIO()
    writer = csv.writer(out)
    if part == "persons":
        writer.writerow(["id", "role", "name", "names", "birth_date", "nationality", "gender", "document_number",
                         "party"])
        for person in persons.persons(session, case.id):
            shown = persons.person_out(person, principal)
            if person.role == PersonRole.INFORMANT and not principal.can("cases.protected"):
                continue
            writer.writerow([shown["id"], shown["role"], shown["name"], shown["display_name"],
                             shown["birth_date"] or "", shown["nationality"] or "", shown["gender"] or "",
                             shown["document_number"] or "", shown["party"]])
    elif part == "seizures":
        writer.writerow(["operation_id", "on_date", "place", "item_type", "quantity", "unit", "currency",
                         "description"])
        for operation in operations.operations(session, case.id):
            for s in operation.seizures:
                writer.writerow([operation.id, operation.on_date.isoformat(), operation.place, s.item_type.value,
                                 s.quantity, s.unit.value, s.currency or "", s.description])
    else:
        writer.writerow(["id", "description", "status", "value", "currency", "held_by"])
        for a in operations.assets(session, case.id):
            writer.writerow([a.id, a.description, a.status.value, a.value, a.currency, a.held_by])
    return out.getvalue()
