"""Alerts as the API shows them, with labels and timeline details in the viewer's language."""

from __future__ import annotations

from sqlalchemy.orm import Session

from borderlink import domains
from borderlink.alerts import publishing, service
from borderlink.alerts.models import TIMELINE, Alert, Distribution
from borderlink.alerts.schemas import (
    AlertOut,
    AlertSummaryOut,
    FlagOut,
    MatchOut,
    PersonOut,
)
from borderlink.alerts.screening_service import ScreeningMatch
from borderlink.directory import service as directory
from borderlink.directory.permissions import Principal
from borderlink.matching.render import display_renderings
from borderlink.web.i18n import translator


def labels(alert: Alert, language: str) -> dict[str, str]:
    lists = domains.code_lists()
    found = {
        "kind": lists["alerts.kind"].label(alert.kind, language),
        "status": lists["alerts.status"].label(alert.status, language),
        "action": lists["alerts.action"].label(alert.action, language),
        "handling_code": lists["hotline.handling_code"].label(alert.handling_code, language)
        if "hotline.handling_code" in lists else alert.handling_code.value,
    }
    if "safeguards.offence" in lists:
        found["offence"] = lists["safeguards.offence"].label(alert.offence_code, language)
    return found


def title_of(alert: Alert) -> str:
    if alert.names:
        return alert.names[0]
    for document in alert.documents or ():
        return str(document.get("number", ""))
    for vehicle in alert.vehicles or ():
        return str(vehicle.get("plate") or vehicle.get("vin") or "")
    return alert.id


def alert_out(session: Session, alert: Alert, principal: Principal, language: str | None = None) -> AlertOut:
    language = language or principal.language or "en"
    person = None
    if alert.person:
        names = alert.names
        person = PersonOut(names=names, renderings=display_renderings(names[0]) if names else [],
                           birth_date=alert.person.get("birth_date"), gender=alert.person.get("gender"),
                           nationalities=list(alert.person.get("nationalities") or []),
                           description=alert.person.get("description"))
    distribution: str | list[str] = alert.distribution.value
    if alert.distribution == Distribution.UNITS:
        distribution = publishing.recipient_codes(session, alert)
    own = alert.owner_party == principal.party
    return AlertOut(
        id=alert.id, side="owner" if own else "replica", owner_party=alert.owner_party,
        owner_unit_code=directory.get_unit(session, alert.owner_unit_id).code, kind=alert.kind.value,
        status=alert.status.value, hidden=alert.hidden, action=alert.action.value, offence_code=alert.offence_code,
        person=person, documents=list(alert.documents or []), vehicles=list(alert.vehicles or []),
        warning_flags=list(alert.warning_flags or []), legal_basis=alert.legal_basis, description=alert.description,
        handling_code=alert.handling_code.value, handling_note=alert.handling_note,
        source_evaluation=alert.source_evaluation.value if alert.source_evaluation else None,
        information_evaluation=alert.information_evaluation.value if alert.information_evaluation else None,
        distribution=distribution, expires_at=alert.expires_at, created_at=alert.created_at,
        updated_at=alert.updated_at, activated_at=alert.activated_at, ended_at=alert.ended_at,
        purged=alert.purged_at is not None, version=alert.version, author_name=alert.author_name,
        linked_alert_ids=list(alert.linked_alert_ids or []),
        screening_flags=list(alert.screening_flags or []) if own else [],
        labels=labels(alert, language),
        flags=[FlagOut(id=f.id, party=f.party, unit_code=f.unit_code, author_name=f.author_name, reason=f.reason,
                       created_at=f.created_at, lifted_at=f.lifted_at) for f in service.flags_of(session, alert.id)],
        timeline=TIMELINE.out(session, alert.id, language),
    )


def summary_out(session: Session, alert: Alert, principal: Principal, flagged: bool,
                language: str | None = None) -> AlertSummaryOut:
    language = language or principal.language or "en"
    return AlertSummaryOut(
        id=alert.id, side="owner" if alert.owner_party == principal.party else "replica",
        owner_party=alert.owner_party, owner_unit_code=directory.get_unit(session, alert.owner_unit_id).code,
        kind=alert.kind.value, status=alert.status.value, hidden=alert.hidden, action=alert.action.value,
        offence_code=alert.offence_code, title=title_of(alert), expires_at=alert.expires_at,
        updated_at=alert.updated_at, flagged=flagged, labels=labels(alert, language))


def match_out(match: ScreeningMatch, viewer: Principal | str) -> MatchOut:
    """`viewer`: the language to explain in, or the principal whose language it is."""
    language = viewer if isinstance(viewer, str) else viewer.language or "en"
    alert, hit = match.alert, match.hit
    return MatchOut(alert_id=alert.id, subject=hit.subject, score=hit.score, kind=alert.kind.value,
                    action=alert.action.value, owner_party=alert.owner_party, title=title_of(alert),
                    warning_flags=list(alert.warning_flags or []),
                    explanation=match.explanation(translator(language)),
                    details=dict(hit.explanation), labels=labels(alert, language))
