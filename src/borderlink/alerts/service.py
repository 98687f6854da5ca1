"""Shared alerts: issuing, reading, the life-cycle steps, flags, validity and the safeguards.

What crosses the border goes through the exchange (publishing.py); this module changes local
state, records the screening index's change log and enqueues the messages in one transaction.
Other domains call: `create_alert`, `get_alert`, `list_alerts`, `withdraw`, `flag`, `REVIEW`,
`extend`, `is_protected` (cases: is this person a protected victim?), `screen` (gates and the
check page) and `alert_ref` (links from cases and hits).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import delete, or_, select
from sqlalchemy.orm import Session

from borderlink.alerts import live_index, publishing
from borderlink.alerts.models import (
    DEFAULT_ACTION,
    DEFAULT_PURGE_AFTER_DAYS,
    DEFAULT_VALIDITY_DAYS,
    ENDED,
    EXPIRY_NOTICE,
    LIFECYCLE,
    OBJECT_TYPE,
    PERSON_KINDS,
    TIMELINE,
    Alert,
    AlertFlag,
    AlertKind,
    AlertRecipient,
    Distribution,
    Status,
)
from borderlink.alerts.protection import (
    Person,
    ProtectedPerson,
    SamePersonAlert,
    is_protected,
    refuse_if_protected,
    same_side_alerts,
)
from borderlink.alerts.schemas import AlertFilter, AlertIn, AlertUpdate
from borderlink.alerts.screening_service import screen
from borderlink.alerts.visibility import alert_ref, visible_alert, visible_clause
from borderlink.directory import service as directory
from borderlink.directory.models import Tier, Unit
from borderlink.directory.permissions import Permission, Principal
from borderlink.errors import Forbidden, InvalidInput, NotFound
from borderlink.ids import new_id
from borderlink.safeguards.offences import require_allowed
from borderlink.shared import attachments, namesearch, paging, replicated, workfeed
from borderlink.shared.durations import DurationSettings
from borderlink.shared.forms import N_
from borderlink.shared.held_review import Decision, HeldReview, Refusals
from borderlink.shared.replicated import record_change, require_owner, require_use, side_of
from borderlink.shared.timeline import Detail, TimelineEvent
from borderlink.shared.workfeed import Reason

__all__ = ["ProtectedPerson", "SamePersonAlert", "alert_ref", "is_protected", "screen"]  # for other domains
MAX_VALIDITY = dt.timedelta(days=20 * 366)
NOT_OWNER = N_("Only the issuing side changes an alert.")


def now_of_session(session: Session) -> dt.datetime:
    clock = session.info.get("clock")
    return clock.now() if clock is not None else dt.datetime.now(dt.UTC)


# --- validity ---------------------------------------------------------------------------------

VALIDITY = DurationSettings(
    "alerts.validity", {kind: dt.timedelta(days=DEFAULT_VALIDITY_DAYS[kind]) for kind in AlertKind},
    int(MAX_VALIDITY.total_seconds()), permission=Permission.ALERTS_CONFIGURE,
    refusal=N_("Only the central node administrator sets the validity of alerts."))


def validity(session: Session, kind: AlertKind) -> dt.timedelta:
    return VALIDITY.of(session, kind)


def validities(session: Session) -> dict[str, int]:
    return {kind.value: validity(session, kind).days for kind in AlertKind}


def set_validities(session: Session, principal: Principal, days: dict[AlertKind, int]) -> None:
    VALIDITY.change(session, principal, {str(kind): value * 86400 for kind, value in days.items()})


def purge_delay(session: Session) -> dt.timedelta:
    """How long an ended alert's personal data is kept before it is purged."""
    return dt.timedelta(days=DEFAULT_PURGE_AFTER_DAYS)


# --- timeline ---------------------------------------------------------------------------------

def add_event(session: Session, alert: Alert, kind: str, at: dt.datetime, party: str, unit_code: str | None,
              detail: Detail | None = None, event_id: str | None = None) -> TimelineEvent | None:
    event = TIMELINE.record(session, alert.id, kind, at, party, unit_code, detail, event_id)
    if event is not None:
        alert.status = Status(LIFECYCLE.advance(alert.status, kind))
        workfeed.notify(session, alert_ref(alert.id))  # an open alert page reads itself again
    return event


def timeline(session: Session, alert_id: str) -> list[TimelineEvent]:
    return TIMELINE.events(session, alert_id)


def flags_of(session: Session, alert_id: str) -> list[AlertFlag]:
    return list(session.scalars(select(AlertFlag).where(AlertFlag.alert_id == alert_id).order_by(AlertFlag.created_at)))


def _step(session: Session, principal: Principal, alert: Alert, event: str, **messages: str) -> None:
    LIFECYCLE.require(alert.status, event, side=side_of(alert, principal.party), can=principal.can, **messages)


def is_protected_person(session: Session, *, name: str, other_names: tuple[str, ...] = (),
                        birth_date: str | None = None, gender: str | None = None,
                        nationality: str | None = None) -> bool:
    """Cases ask this before recording a person as an offender: the subject of an active victim alert
    (of either side, matched across scripts) is protected."""
    return is_protected(session, (name, *other_names), birth_date, gender, nationality)


# --- issuing ----------------------------------------------------------------------------------

def _recipients(session: Session, principal: Principal, codes: list[str]) -> list[Unit]:
    units = []
    for code in dict.fromkeys(codes):
        try:
            unit = directory.get_unit_by_code(session, code)
        except NotFound:
            unit = None
        if unit is None or unit.party_code == principal.party or unit.tier != Tier.POST:
            raise InvalidInput("%(code)s is not a border-gate unit of the other side.", field="distribution", code=code)
        units.append(unit)
    return units


def screening_flags(alert: Alert) -> list[dict[str, str]]:
    """Neutrality flags of every free text the alert carries (both nodes read the same texts)."""
    person = alert.person or {}
    basis = alert.legal_basis or {}
    texts = [alert.description or "", alert.handling_note or "", str(person.get("description") or ""),
             str(basis.get("authority") or ""), *(str(v.get("make") or "") for v in alert.vehicles or ())]
    return replicated.screening_flags(texts)


def _person_of(data: AlertIn | AlertUpdate) -> dict[str, Any] | None:
    if data.person is None:
        return None
    return {"names": list(data.person.names), "birth_date": data.person.birth_date,
            "gender": data.person.gender.value if data.person.gender else None,
            "nationalities": data.person.nationalities, "description": data.person.description}


def subject_of(alert: Alert) -> Person:
    person = alert.person or {}
    nationalities = person.get("nationalities") or []
    return Person(tuple(alert.names), person.get("birth_date"), person.get("gender"),
                  nationalities[0] if nationalities else None)


def _check_person_safeguards(session: Session, principal: Principal, alert: Alert, link_to: str | None) -> None:
    if not alert.names_person:
        return
    subject = subject_of(alert)
    if alert.kind == AlertKind.WANTED:
        refuse_if_protected(session, subject, principal.label)
    same = [a for a in same_side_alerts(session, subject, principal.party) if a.id != alert.id]
    if not same:
        return
    if link_to is None:
        raise SamePersonAlert(N_("This side already has an alert on this person (%(ids)s); link the new alert to "
                                 "it with link_to instead of issuing a second one."), field="link_to",
                              ids=", ".join(a.id for a in same))
    if link_to not in {a.id for a in same}:
        raise InvalidInput("Alert %(id)s is not an alert of this side on this person.", field="link_to", id=link_to)


def create_alert(session: Session, principal: Principal, data: AlertIn, now: dt.datetime) -> Alert:
    """Issue an alert: a draft, sent for review (text flagged by neutrality screening), or active."""
    if not principal.can(Permission.ALERTS_ISSUE):
        raise Forbidden("Your role may not issue alerts.")
    require_allowed(data.offence_code)
    if data.kind == AlertKind.WANTED and data.legal_basis is None:
        raise InvalidInput("A wanted alert needs its legal basis: the decision or warrant, its authority and date.",
                           field="legal_basis")
    expires_at = data.expires_at or now + validity(session, data.kind)
    if expires_at <= now or expires_at > now + MAX_VALIDITY:
        raise InvalidInput("The expiry must lie in the future and within 20 years.", field="expires_at")
    distribution = Distribution(data.distribution) if isinstance(data.distribution, str) else Distribution.UNITS
    units = _recipients(session, principal, data.distribution) if isinstance(data.distribution, list) else []
    owner = directory.get_unit(session, principal.unit_id)
    alert = Alert(
        id=new_id(), owner_party=principal.party, owner_unit_id=owner.id, handling_code=data.handling_code,
        created_at=now, updated_at=now, version=1, kind=data.kind, status=Status.DRAFT, hidden=False,
        action=data.action or DEFAULT_ACTION[data.kind], offence_code=data.offence_code,
        person=_person_of(data) if data.kind in PERSON_KINDS or data.person else None,
        documents=[d.model_dump(mode="json", exclude_none=True) for d in data.documents],
        vehicles=[v.model_dump(mode="json", exclude_none=True) for v in data.vehicles],
        warning_flags=[f.value for f in data.warning_flags],
        legal_basis=data.legal_basis.model_dump(mode="json") if data.legal_basis else None,
        description=data.description, handling_note=data.handling_note,
        source_evaluation=data.source_evaluation, information_evaluation=data.information_evaluation,
        distribution=distribution, expires_at=expires_at, author_name=principal.display_name,
        # An import at the shell acts for its unit without a user account of its own.
        created_by_user_id=principal.user_id or None, linked_alert_ids=[data.link_to] if data.link_to else [],
    )
    _check_person_safeguards(session, principal, alert, data.link_to)
    alert.screening_flags = screening_flags(alert)
    session.add(alert)
    session.flush()
    for unit in units:
        session.add(AlertRecipient(alert_id=alert.id, unit_code=unit.code))
    if data.link_to:
        _link_back(session, principal, alert, data.link_to, now)
    workfeed.put(session, alert_ref(alert.id), owner.id, Reason.SENT, now, unread=False)
    if data.draft:
        add_event(session, alert, "drafted", now, principal.party, owner.code, Detail.text(principal.display_name))
    else:
        _submit(session, principal, alert, now)
    return alert


def _link_back(session: Session, principal: Principal, alert: Alert, other_id: str, now: dt.datetime) -> None:
    other = visible_alert(session, principal, other_id, audit=False)
    if alert.id not in other.linked_alert_ids:
        other.linked_alert_ids = [*other.linked_alert_ids, alert.id]
        record_change(other, now)
        event = add_event(session, other, "linked", now, principal.party, principal.unit_code,
                          TIMELINE.detail("linked", other=alert.id))
        publishing.send_update(session, other, event)
    add_event(session, alert, "linked", now, principal.party, principal.unit_code,
              TIMELINE.detail("linked", other=other.id))


def _central_units(session: Session, party: str) -> list[Unit]:
    return list(session.scalars(select(Unit).where(Unit.party_code == party, Unit.tier == Tier.CENTRAL)))


def _submit(session: Session, principal: Principal, alert: Alert, now: dt.datetime) -> None:
    """Publish the alert, or send it to the central reviewers when its text is flagged."""
    owner = directory.get_unit(session, alert.owner_unit_id)
    if alert.screening_flags:
        grounds = sorted({f["ground"] for f in alert.screening_flags})
        add_event(session, alert, "submitted", now, principal.party, owner.code,
                  TIMELINE.detail("submitted", grounds=grounds))
        for unit in _central_units(session, principal.party):
            workfeed.put(session, alert_ref(alert.id), unit.id, Reason.RECEIVED, now)
        return
    _set_active(session, alert, now)
    add_event(session, alert, "activated", now, principal.party, owner.code, Detail.text(principal.display_name))
    _publish_active(session, alert, now)


def _set_active(session: Session, alert: Alert, now: dt.datetime) -> None:
    alert.activated_at = now


def _publish_active(session: Session, alert: Alert, now: dt.datetime, review_note: str | None = None) -> None:
    live_index.record_change(session, alert.id, now)
    publishing.publish(session, alert, review_note)


def _set_ended(session: Session, alert: Alert, now: dt.datetime) -> None:
    alert.ended_at = now
    alert.purge_due_at = now + purge_delay(session)


def submit(session: Session, principal: Principal, alert_id: str, now: dt.datetime) -> Alert:
    """A draft is published (or sent for review)."""
    alert = visible_alert(session, principal, alert_id)
    _step(session, principal, alert, "submitted", wrong_state=N_("Only a draft is submitted."),
          wrong_side=NOT_OWNER)
    if not principal.covers_unit(alert.owner_unit_id):
        raise Forbidden("Only the issuing unit submits its draft.")
    _check_person_safeguards(session, principal, alert, alert.linked_alert_ids[0] if alert.linked_alert_ids else None)
    alert.screening_flags = screening_flags(alert)
    _submit(session, principal, alert, now)
    return alert


# A central reviewer lets an alert whose text was flagged go active, or refuses it.
REVIEW = HeldReview(
    OBJECT_TYPE, Alert, LIFECYCLE, held=Status.UNDER_REVIEW, permission=Permission.ALERTS_REVIEW,
    for_owner_unit=False, find=visible_alert, record=add_event,
    refusals=Refusals(queue=N_("Only a central reviewer reviews alerts."),
                      reviewer=N_("Only a central reviewer reviews alerts."), owner=NOT_OWNER,
                      state=N_("This alert is not waiting for review."), note=N_("Say why you approve or reject it.")),
    accept=Decision("approved", sets=_set_active, then=_publish_active), refuse=Decision("rejected", sets=_set_ended))


# --- reading ----------------------------------------------------------------------------------

def get_alert(session: Session, principal: Principal, alert_id: str) -> Alert:
    """An alert the principal may see (else NotFound); a person alert is audited as read."""
    return visible_alert(session, principal, alert_id)


def list_alerts(session: Session, principal: Principal, filters: AlertFilter,
                now: dt.datetime) -> paging.Page[Alert]:
    """The alerts the principal sees, last changed first, a keyset page at a time."""
    query = select(Alert).where(visible_clause(principal))
    if filters.kind is not None:
        query = query.where(Alert.kind == filters.kind)
    if filters.status is not None:
        query = query.where(Alert.status == filters.status)
    if filters.side == "owner":
        query = query.where(Alert.owner_party == principal.party)
    elif filters.side == "replica":
        query = query.where(Alert.owner_party != principal.party)
    if filters.offence:
        query = query.where(Alert.offence_code.startswith(filters.offence.strip().upper()))
    within = filters.expiring_within_days
    if within is None and filters.expiring_soon:
        within = EXPIRY_NOTICE.days
    if within is not None:
        query = query.where(Alert.status == Status.ACTIVE, Alert.expires_at <= now + dt.timedelta(days=within))
    if filters.flagged is not None:
        flagged = select(AlertFlag.alert_id).where(AlertFlag.alert_id == Alert.id, AlertFlag.lifted_at.is_(None))
        query = query.where(flagged.exists() if filters.flagged else ~flagged.exists())
    if filters.q:
        query = query.where(namesearch.matches(OBJECT_TYPE, Alert.id, filters.q))
    key = paging.SortKey((Alert.__table__.c.updated_at, Alert.__table__.c.id))
    return paging.fetch_page(session, query, key, paging.clamp_limit(filters.limit), filters.cursor)


def flagged_ids(session: Session, alert_ids: list[str]) -> set[str]:
    if not alert_ids:
        return set()
    return set(session.scalars(select(AlertFlag.alert_id).where(
        AlertFlag.alert_id.in_(alert_ids), AlertFlag.lifted_at.is_(None))))


# --- the owner's changes ----------------------------------------------------------------------

def _owned(session: Session, principal: Principal, alert_id: str) -> Alert:
    alert = visible_alert(session, principal, alert_id)
    require_owner(alert, principal.party, NOT_OWNER)
    if not principal.can(Permission.ALERTS_ISSUE):
        raise Forbidden("Your role may not change alerts.")
    if not principal.covers_unit(alert.owner_unit_id) and principal.unit_tier != Tier.CENTRAL:
        raise Forbidden("Only the issuing unit, the units above it and the central tier change an alert.")
    return alert


def update(session: Session, principal: Principal, alert_id: str, data: AlertUpdate, now: dt.datetime) -> Alert:
    alert = _owned(session, principal, alert_id)
    _step(session, principal, alert, "updated", wrong_state=N_("An ended alert is not changed."), wrong_side=NOT_OWNER)
    if data.person is not None:
        alert.person = _person_of(data)
        if alert.kind == AlertKind.WANTED:
            refuse_if_protected(session, subject_of(alert), principal.label)
    for name in ("documents", "vehicles"):
        items = getattr(data, name)
        if items is not None:
            setattr(alert, name, [i.model_dump(mode="json", exclude_none=True) for i in items])
    if data.description is not None:
        alert.description = data.description
    if data.warning_flags is not None:
        alert.warning_flags = [f.value for f in data.warning_flags]
    if data.legal_basis is not None:
        alert.legal_basis = data.legal_basis.model_dump(mode="json")
    if data.action is not None:
        alert.action = data.action
    flags = screening_flags(alert)
    if flags and alert.status == Status.ACTIVE and flags != alert.screening_flags:
        raise InvalidInput("The new text mentions possible %(grounds)s grounds; keep to the criminal matter.",
                           field="description", grounds=", ".join(sorted({f["ground"] for f in flags})))
    alert.screening_flags = flags
    kind = "updated"
    if data.hidden is not None and data.hidden != alert.hidden:
        kind = "hidden" if data.hidden else "shown"
        _step(session, principal, alert, kind, wrong_state=N_("Only an active alert is hidden or shown."),
              wrong_side=NOT_OWNER)
        alert.hidden = data.hidden
    record_change(alert, now)
    event = add_event(session, alert, kind, now, principal.party, principal.unit_code,
                      Detail.text(principal.display_name))
    if alert.status == Status.ACTIVE:
        live_index.record_change(session, alert.id, now)
    publishing.send_update(session, alert, event)
    workfeed.touch(session, alert_ref(alert.id), now, except_unit=principal.unit_id)
    return alert


def _end(session: Session, alert: Alert, event_kind: str, now: dt.datetime, party: str, unit_code: str | None,
         detail: Detail | None) -> TimelineEvent | None:
    alert.ended_at = now
    alert.purge_due_at = now + purge_delay(session)
    record_change(alert, now)
    event = add_event(session, alert, event_kind, now, party, unit_code, detail)
    live_index.record_change(session, alert.id, now)
    workfeed.set_deadline(session, alert_ref(alert.id), None)
    return event


def withdraw(session: Session, principal: Principal, alert_id: str, note: str | None, now: dt.datetime,
             *, fulfilled: bool = False) -> Alert:
    """The owner ends an alert: withdrawn, or fulfilled (the person arrested or found)."""
    alert = _owned(session, principal, alert_id)
    kind = "fulfilled" if fulfilled else "withdrawn"
    _step(session, principal, alert, kind, wrong_side=NOT_OWNER, wrong_state=N_("This alert has ended already."))
    text = f"{principal.label}: {note}" if note else principal.label
    event = _end(session, alert, kind, now, principal.party, principal.unit_code, Detail.text(text))
    assert event is not None
    if fulfilled:
        publishing.send_update(session, alert, event)
    else:
        publishing.send_withdrawal(session, alert, event)
    return alert


def fulfil_by_handover(session: Session, alert_id: str, local_party: str, *, unit_code: str, note: str,
                       now: dt.datetime) -> Alert | None:
    """A completed handover of a wanted alert's subject, confirmed by both sides at the gate, fulfils
    the alert: the issuing node ends it and tells the other node, as for any end. The two
    confirmations are the authority here, not a user's role. On the other node nothing is done;
    the issuer's update arrives. Returns the alert it fulfilled, if any."""
    alert = session.get(Alert, alert_id)
    if alert is None or alert.owner_party != local_party or alert.kind != AlertKind.WANTED:
        return None
    if not LIFECYCLE.allowed(alert.status, "fulfilled"):
        return None
    event = _end(session, alert, "fulfilled", now, local_party, unit_code, Detail.text(note))
    if event is not None:
        publishing.send_update(session, alert, event)
    return alert


def extend(session: Session, principal: Principal, alert_id: str, until: dt.datetime, review_text: str,
           now: dt.datetime) -> Alert:
    """Extending needs a recorded review: why the alert is still needed."""
    alert = _owned(session, principal, alert_id)
    _step(session, principal, alert, "extended", wrong_side=NOT_OWNER,
          wrong_state=N_("Only an active alert is extended."))
    if until <= alert.expires_at:
        raise InvalidInput("The new expiry must be later than the current one.", field="expires_at")
    if until > now + validity(session, alert.kind) or until > now + MAX_VALIDITY:
        raise InvalidInput("An alert is extended by at most its kind's validity (%(days)s days) from today.",
                           field="expires_at", days=validity(session, alert.kind).days)
    alert.expires_at = until
    alert.expiry_noticed = False
    record_change(alert, now)
    event = add_event(session, alert, "extended", now, principal.party, principal.unit_code,
                      TIMELINE.detail("extended", until=until.date().isoformat(), note=review_text.strip()))
    workfeed.set_deadline(session, alert_ref(alert.id), None)
    publishing.send_update(session, alert, event)
    return alert


# --- the other side's flags -------------------------------------------------------------------

def flag(session: Session, principal: Principal, alert_id: str, reason: str, now: dt.datetime,
         *, lifted: bool = False) -> AlertFlag:
    """The receiving side will not take the alert's action on its territory (or lifts that flag)."""
    from borderlink.alerts.contracts import AlertFlagged

    alert = visible_alert(session, principal, alert_id)
    kind = "unflagged" if lifted else "flagged"
    _step(session, principal, alert, kind, wrong_side=N_("Only the other side flags an alert."),
          wrong_state=N_("Only an active alert is flagged."))
    if principal.unit_tier == Tier.POST:
        raise Forbidden("A provincial or central unit flags an alert for its side.")
    if lifted:
        item = session.scalar(select(AlertFlag).where(
            AlertFlag.alert_id == alert.id, AlertFlag.party == principal.party, AlertFlag.lifted_at.is_(None)))
        if item is None:
            raise InvalidInput("This side has not flagged the alert.", field="lifted")
        item.lifted_at = now
    else:
        item = AlertFlag(alert_id=alert.id, party=principal.party, unit_code=principal.unit_code,
                         author_name=principal.display_name, reason=reason, created_at=now)
        session.add(item)
        session.flush()
    event = add_event(session, alert, kind, now, principal.party, principal.unit_code,
                      TIMELINE.detail("flagged", unit=principal.unit_code, reason=reason) if not lifted
                      else Detail.text(f"{principal.label}: {reason}"))
    assert event is not None
    message = AlertFlagged(alert_id=alert.id, flag_id=item.id, unit_code=principal.unit_code,
                           author_name=principal.display_name, reason=reason, lifted=lifted,
                           event=publishing.event_part(event))
    publishing.send_to_owner(session, alert, message, principal.unit_code)
    return item


# --- handling codes ---------------------------------------------------------------------------

def photos_changed(session: Session, principal: Principal, alert_id: str, now: dt.datetime) -> None:
    """A photo was added to an alert: the other side receives it with the alert's next version."""
    alert = _owned(session, principal, alert_id)
    record_change(alert, now)
    event = add_event(session, alert, "updated", now, principal.party, principal.unit_code,
                      Detail.text(principal.display_name))
    publishing.send_update(session, alert, event)


def check_use(alert: Alert, local_party: str, purpose: str) -> None:
    """What the receiving side may do with a replica: H1/H3 not in court, H2/H3 not passed on."""
    if purpose not in ("prevention", "investigation", "court", "onward"):
        raise InvalidInput("The purpose must be prevention, investigation, court or onward.", field="purpose")
    require_use(alert, local_party, purpose)


# --- expiry and purge (both nodes) --------------------------------------------------------------

def purge_personal_data(session: Session, alert: Alert, now: dt.datetime) -> None:
    """Keep a non-personal tombstone: kind, offence, owner unit, dates and status stay."""
    alert.person = None
    alert.documents = []
    alert.vehicles = []
    alert.legal_basis = None
    alert.description = None
    alert.handling_note = None
    alert.warning_flags = []
    alert.purged_at = now
    session.execute(delete(AlertRecipient).where(AlertRecipient.alert_id == alert.id))
    for stored in attachments.files_of(session, alert_ref(alert.id)):
        session.delete(stored)  # photos are personal data
    for item in flags_of(session, alert.id):
        item.reason = ""
        item.author_name = ""
    live_index.record_change(session, alert.id, now)


def ended_unpurged(statuses: frozenset[Status] = ENDED) -> Any:
    return or_(*(Alert.status == s for s in statuses)) & Alert.purged_at.is_(None)
