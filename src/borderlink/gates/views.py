"""What the API and the pages show of crossings and hits, in the viewer's language: the check's
green or red result, why it matched, and what the officer does now."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from borderlink import domains
from borderlink.directory import service as directory
from borderlink.gates import photos
from borderlink.gates.crossings import Recorded
from borderlink.gates.models import HIT_TIMELINE, BorderPass, Crossing, Hit, PreArrival
from borderlink.gates.schemas import (
    CheckOut,
    CrossingOut,
    HitOut,
    HitSummaryOut,
    OverstayOut,
    PassOut,
    PreArrivalOut,
)
from borderlink.shared.attachments import StoredFile
from borderlink.shared.replicated import received_time
from borderlink.shared.timeline import N_
from borderlink.web.i18n import translator

CLEAR_INSTRUCTION = N_("Clear: no alert matches. Let the traveller pass.")
PROTECT_INSTRUCTION = N_("Hit on a protected person (a victim): protect the traveller, never arrest or hold them. "
                         "Keep them safe at the gate; the alert's owner is asked to confirm.")
HIT_INSTRUCTION = N_("Hit: do not let the traveller pass yet. %(action)s The alert's owner is asked to confirm.")
PERSON_EXPLANATION = N_("Name %(query)s agrees with %(entry)s (score %(score)s); birth date: %(birth)s; "
                        "nationality: %(nationality)s.")
DOCUMENT_EXPLANATION = N_("Document %(number)s (%(state)s) is listed in the alert.")
VEHICLE_EXPLANATION = N_("Vehicle plate %(plate)s is listed in the alert.")
FIELD_RESULTS = {
    "same": N_("same"), "agree": N_("same"), "close": N_("close"), "compatible": N_("compatible"),
    "conflict": N_("differs"), "missing": N_("not known"), "unknown": N_("not known"),
}
INDIRECT_MESSAGES = tuple((message, "Gate check.") for message in (
    CLEAR_INSTRUCTION, HIT_INSTRUCTION, PROTECT_INSTRUCTION, PERSON_EXPLANATION, DOCUMENT_EXPLANATION,
    VEHICLE_EXPLANATION, *FIELD_RESULTS.values()))


def _label(list_name: str, value: str, language: str) -> str:
    lists = domains.code_lists()
    return lists[list_name].label(value, language) if list_name in lists else value


def _result(details: Mapping[str, Any], name: str, language: str) -> str:
    part = details.get(name)
    value = str(part.get("result")) if isinstance(part, dict) else "missing"
    return translator(language)(FIELD_RESULTS.get(value, value))


def explanation(hit: Hit, language: str = "en") -> str:
    """Why the crossing matched the alert, in one sentence of the viewer's language."""
    gettext = translator(language)
    details = hit.explanation or {}
    if hit.subject.value == "person":
        name = details.get("name") if isinstance(details.get("name"), dict) else {}
        assert isinstance(name, dict)
        return gettext(PERSON_EXPLANATION, query=name.get("query_name") or "?", entry=name.get("entry_name") or "?",
                       score=f"{hit.score:.2f}", birth=_result(details, "birth_date", language),
                       nationality=_result(details, "nationality", language))
    if hit.subject.value == "document":
        return gettext(DOCUMENT_EXPLANATION, number=details.get("document_number") or "?",
                       state=details.get("issuing_state") or "?")
    return gettext(VEHICLE_EXPLANATION, plate=details.get("plate") or "?")


def check_out(crossing: Crossing, found: list[Hit], language: str = "en") -> CheckOut:
    gettext = translator(language)
    summaries = [HitSummaryOut(id=hit.id, alert_id=hit.alert_id, score=hit.score, action=hit.action,
                               protected=hit.protected, explanation=explanation(hit, language),
                               subject=hit.subject.value, alert_kind=hit.alert_kind, status=hit.status.value,
                               details=hit.explanation)
                 for hit in found]
    if not found:
        return CheckOut(result="clear", hits=[], instruction=gettext(CLEAR_INSTRUCTION))
    if any(hit.protected for hit in found):
        return CheckOut(result="hit", hits=summaries, instruction=gettext(PROTECT_INSTRUCTION))
    action = _label("gates.action", found[0].action, language)
    return CheckOut(result="hit", hits=summaries, instruction=gettext(HIT_INSTRUCTION, action=action + "."))


def _href(photo: StoredFile | None) -> str | None:
    return photo.href if photo is not None else None


def recorded_out(session: Session, recorded: Recorded, language: str = "en") -> CrossingOut:
    """A crossing just recorded, with the crossings of the children who came with the holder."""
    shown = crossing_out(session, recorded.crossing, recorded.hits, language)
    shown.children = [recorded_out(session, child, language) for child in recorded.children]
    return shown


def crossing_out(session: Session, crossing: Crossing, found: list[Hit], language: str = "en", *,
                 with_photo: bool = False) -> CrossingOut:
    """The crossing as shown; `with_photo` looks its photo up (one crossing's page, not lists)."""
    gate_code = directory.unit_codes(session, [crossing.gate_unit_id])[crossing.gate_unit_id]
    return CrossingOut(
        id=crossing.id, gate_unit_code=gate_code, direction=crossing.direction, crossed_at=crossing.crossed_at,
        lane=crossing.lane_code, officer_name=crossing.officer_name, names=list(crossing.names),
        surname=crossing.surname, given_names=crossing.given_names, birth_date=crossing.birth_date,
        sex=crossing.sex, nationality=crossing.nationality,
        document_type=crossing.document_type.value if crossing.document_type else None,
        document_number=crossing.document_number, issuing_state=crossing.issuing_state,
        document_expiry=crossing.document_expiry, document_expired=crossing.document_expired,
        mrz_format=crossing.mrz_format, purpose=crossing.purpose.value if crossing.purpose else None,
        vehicle_plate=crossing.vehicle_plate, border_pass=crossing.border_pass,
        exit_crossing_id=crossing.exit_crossing_id, check=check_out(crossing, found, language),
        photo_url=_href(photos.crossing_photo(session, crossing.id)) if with_photo else None,
    )


def hit_out(session: Session, hit: Hit, language: str | None = None, *, with_photo: bool = False) -> HitOut:
    """The hit as shown; `with_photo` looks the traveller's photo up (one hit's page, not lists)."""
    gate = directory.get_unit(session, hit.gate_unit_id)
    alert_unit = directory.get_unit(session, hit.alert_unit_id)
    events = HIT_TIMELINE.out(session, hit.id, language)
    return HitOut(
        id=hit.id, status=hit.status.value, alert_id=hit.alert_id, alert_party=hit.alert_party,
        alert_unit_code=alert_unit.code, alert_kind=hit.alert_kind, action=hit.action, protected=hit.protected,
        protection_note=translator(language or "en")(PROTECT_INSTRUCTION) if hit.protected else None,
        photo_url=_href(photos.hit_photo(session, hit)) if with_photo else None,
        subject=hit.subject.value,
        score=hit.score, explanation=explanation(hit, language or "en"), details=hit.explanation,
        gate_party=hit.owner_party, gate_unit_code=gate.code, crossing_id=hit.crossing_id, crossing=hit.crossing,
        crossed_at=received_time(str(hit.crossing.get("crossed_at") or hit.created_at.isoformat())),
        deadline_at=hit.deadline_at, escalation_level=hit.escalation_level, answer_note=hit.answer_note,
        answered_at=hit.answered_at, answered_by=hit.answered_by,
        outcome=hit.outcome.value if hit.outcome else None, outcome_note=hit.outcome_note,
        outcome_at=hit.outcome_at, created_at=hit.created_at, timeline=events,
    )


def pass_out(session: Session, found: BorderPass) -> PassOut:
    issuer = directory.get_unit(session, found.issuing_unit_id)
    return PassOut(id=found.id, number=found.number, holder_names=list(found.holder_names),
                   holder_birth_date=found.holder_birth_date, holder_sex=found.holder_sex,
                   holder_nationality=found.holder_nationality, commune=found.commune,
                   permitted_area=found.permitted_area, children=list(found.children), valid_from=found.valid_from,
                   valid_until=found.valid_until, issuing_unit_code=issuer.code)


def overstay_out(session: Session, crossing: Crossing, stay: dt.timedelta) -> OverstayOut:
    return OverstayOut(crossing_id=crossing.id, gate_unit_code=directory.get_unit(session, crossing.gate_unit_id).code,
                       border_pass=crossing.border_pass, names=list(crossing.names), entered_at=crossing.crossed_at,
                       allowed_until=crossing.crossed_at + stay)


def pre_arrival_out(session: Session, notice: PreArrival) -> PreArrivalOut:
    return PreArrivalOut(
        id=notice.id, status=notice.status.value,
        from_gate_unit_code=directory.get_unit(session, notice.from_gate_unit_id).code,
        to_gate_unit_code=directory.get_unit(session, notice.to_gate_unit_id).code, plate=notice.plate,
        driver={"names": notice.driver_names, "birth_date": notice.driver_birth_date,
                "nationality": notice.driver_nationality, "document_number": notice.driver_document_number,
                "document_state": notice.driver_document_state},
        containers=list(notice.containers), cargo_description=notice.cargo_description, hs_code=notice.hs_code,
        weight_kg=notice.weight_kg, expected_at=notice.expected_at,
        check_result=notice.check_result.value if notice.check_result else None, check_hits=list(notice.check_hits),
        crossing_id=notice.crossing_id, arrived_at=notice.arrived_at)
