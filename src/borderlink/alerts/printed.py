"""An alert printed with its timeline: the print page and the PDF, declared for the shared printer.
They read the alert as its page does, so what a viewer may not see answers 404 and a person alert
is audited as read."""

from __future__ import annotations

import dataclasses
from typing import Any

from fastapi import Request
from sqlalchemy.orm import Session

from borderlink import domains
from borderlink.alerts import service
from borderlink.alerts.models import OBJECT_TYPE
from borderlink.alerts.views import alert_out, title_of
from borderlink.directory.permissions import Permission, Principal
from borderlink.shared import attachments, printing
from borderlink.shared.workfeed import ObjectRef
from borderlink.web.i18n import request_language


def alert_print_context(request: Request, session: Session, principal: Principal, alert_id: str) -> dict[str, Any]:
    language = request_language(request)
    alert = service.get_alert(session, principal, alert_id)
    shown = alert_out(session, alert, dataclasses.replace(principal, language=language), language)
    named = printing.unit_names(session, language)
    lists = domains.code_lists()
    distribution = (lists["alerts.distribution"].label(shown.distribution, language)
                    if isinstance(shown.distribution, str) else ", ".join(map(named["unit_label"], shown.distribution)))
    return {**named, "alert": shown, "title": title_of(alert), "distribution": distribution,
            "files": attachments.files_of(session, ObjectRef(OBJECT_TYPE, alert.id)),
            "events": printing.printed_events(shown.timeline, lists["alerts.event"], named["units"],
                                               language)}


ALERT = printing.PrintedRecord(page="/alerts/{record_id}", permission=Permission.ALERTS_READ,
                               template="alerts/print.html", context=alert_print_context,
                               filename="alert-{record_id}.pdf")
router = printing.printing_router(ALERT)
