"""A joint case and a handover printed with their timelines: the print pages and PDFs, declared for
the shared printer. They read the record as its page does, so a record outside the reader's units
answers 404 and one naming persons is audited as read."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from borderlink import domains
from borderlink.cases import handovers, service
from borderlink.cases.handover_api import handover_out
from borderlink.cases.models import Perm
from borderlink.cases.persons import name_line
from borderlink.cases.views import case_out
from borderlink.directory.permissions import Principal
from borderlink.shared import printing
from borderlink.web.deps import node_now
from borderlink.web.i18n import request_language, translator


def case_print_context(request: Request, session: Session, principal: Principal, case_id: str) -> dict[str, Any]:
    language = request_language(request)
    case = service.CASE_KIND.read(session, principal, case_id, node_now(request))
    shown = case_out(session, principal, case, language, translator(language))
    named = printing.unit_names(session, language)
    steps = domains.code_lists()["cases.event"]
    return {**named, "item": shown,
            "events": printing.printed_events(shown.timeline, steps, named["units"], language)}


def handover_print_context(request: Request, session: Session, principal: Principal,
                           handover_id: str) -> dict[str, Any]:
    language = request_language(request)
    found = handovers.HANDOVER_KIND.visible(session, principal, handover_id)
    shown = handover_out(session, found, language)
    named = printing.unit_names(session, language)
    steps = domains.code_lists()["cases.handover_event"]
    people = [{**person, "names": name_line(str(person.get("name", "")), list(person.get("other_names") or []))}
              for person in shown.persons]
    return {**named, "item": shown, "people": people,
            "events": printing.printed_events(shown.timeline, steps, named["units"], language)}


CASE = printing.PrintedRecord(page="/cases/{record_id}", permission=Perm.READ,
                              template="cases/print.html", context=case_print_context,
                              filename="case-{record_id}.pdf")
HANDOVER = printing.PrintedRecord(page="/handovers/{record_id}", permission=Perm.READ,
                                  template="cases/handover_print.html", context=handover_print_context,
                                  filename="handover-{record_id}.pdf")
router = printing.printing_router(CASE, HANDOVER)
