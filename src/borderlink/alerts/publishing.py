"""What an alert looks like on the wire, and sending it to the other side.

The owner sends the whole content with each change; the envelope goes from the owner unit to the
other side's central counterpart, and the receiving node decides from the distribution which of
its units see it.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderlink.alerts.contracts import (
    MAX_PHOTO_BYTES,
    MAX_PHOTOS,
    AlertContent,
    AlertPublished,
    AlertPurged,
    AlertUpdated,
    AlertWithdrawn,
    EventPart,
)
from borderlink.alerts.models import OBJECT_TYPE, PUBLISHED, TIMELINE, Alert, AlertRecipient, Distribution
from borderlink.directory import service as directory
from borderlink.directory.models import Tier, Unit
from borderlink.exchange import service as exchange
from borderlink.shared import attachments
from borderlink.shared.contracts import MessageBody, to_wire
from borderlink.shared.timeline import TimelineEvent
from borderlink.shared.workfeed import ObjectRef


def stream_of(alert_id: str) -> str:
    return f"alerts:{alert_id}"


def recipient_codes(session: Session, alert: Alert) -> list[str]:
    return list(session.scalars(select(AlertRecipient.unit_code).where(AlertRecipient.alert_id == alert.id)
                                .order_by(AlertRecipient.unit_code)))


def event_part(event: TimelineEvent) -> EventPart:
    return EventPart.from_fields(TIMELINE.payload(event))


def photos_of(session: Session, alert: Alert) -> list[dict[str, str]]:
    """The alert's photos that travel with it: images small enough for one envelope."""
    sent = [f for f in attachments.files_of(session, ObjectRef(OBJECT_TYPE, alert.id))
            if f.is_image and f.size <= MAX_PHOTO_BYTES][:MAX_PHOTOS]
    return [attachments.wire_part(f, f.served_type) for f in sent]


def content_of(session: Session, alert: Alert, review_note: str | None = None) -> AlertContent:
    owner = directory.get_unit(session, alert.owner_unit_id)
    return AlertContent.from_fields({
        "id": alert.id, "version": alert.version, "kind": alert.kind, "status": alert.status,
        "hidden": alert.hidden, "action": alert.action, "offence_code": alert.offence_code,
        "person": alert.person, "documents": alert.documents, "vehicles": alert.vehicles,
        "warning_flags": alert.warning_flags, "legal_basis": alert.legal_basis,
        "description": alert.description, "handling_code": alert.handling_code,
        "handling_note": alert.handling_note, "source_evaluation": alert.source_evaluation,
        "information_evaluation": alert.information_evaluation, "distribution": alert.distribution,
        "distribution_units": recipient_codes(session, alert) if alert.distribution == Distribution.UNITS else [],
        "expires_at": alert.expires_at, "created_at": alert.created_at, "activated_at": alert.activated_at,
        "ended_at": alert.ended_at, "owner_unit_code": owner.code, "author_name": alert.author_name,
        "linked_alert_ids": alert.linked_alert_ids, "review_note": review_note,
        "photos": photos_of(session, alert) if alert.purged_at is None else [],
    })


def _central_of(session: Session, unit: Unit) -> Unit:
    while unit.tier != Tier.CENTRAL and unit.parent_id is not None:
        unit = directory.get_unit(session, unit.parent_id)
    return unit


def _route(session: Session, alert: Alert) -> tuple[str, str | None]:
    """(sending unit, receiving unit): the owner unit, and its central unit's counterpart."""
    owner = directory.get_unit(session, alert.owner_unit_id)
    counterparts = directory.counterparts_of(session, _central_of(session, owner).id)
    return owner.code, counterparts[0].code if counterparts else None


def _send(session: Session, alert: Alert, message: MessageBody) -> None:
    sender, recipient = _route(session, alert)
    exchange.enqueue(session, kind=message.message_kind, body=to_wire(message), sender_unit=sender,
                     recipient_unit=recipient, handling_code=alert.handling_code.value, stream=stream_of(alert.id))


def publish(session: Session, alert: Alert, review_note: str | None = None) -> None:
    """The alert became active: the other side receives it with its timeline so far."""
    events = [event_part(e) for e in TIMELINE.events(session, alert.id)]
    _send(session, alert, AlertPublished(alert=content_of(session, alert, review_note), events=events[-50:]))


def send_update(session: Session, alert: Alert, event: TimelineEvent | None) -> None:
    if alert.status not in PUBLISHED or alert.activated_at is None:
        return  # the other side never saw it
    _send(session, alert, AlertUpdated(alert=content_of(session, alert),
                                       event=event_part(event) if event is not None else None))


def send_withdrawal(session: Session, alert: Alert, event: TimelineEvent) -> None:
    if alert.activated_at is None:
        return
    _send(session, alert, AlertWithdrawn(alert_id=alert.id, version=alert.version, event=event_part(event)))


def send_purge(session: Session, alert: Alert, event: TimelineEvent) -> None:
    if alert.activated_at is None:
        return
    _send(session, alert, AlertPurged(alert_id=alert.id, version=alert.version, event=event_part(event)))


def send_to_owner(session: Session, alert: Alert, message: MessageBody, sender_unit: str) -> None:
    """A contribution of the replica side (a flag) goes back to the owner unit."""
    owner = directory.get_unit(session, alert.owner_unit_id)
    exchange.enqueue(session, kind=message.message_kind, body=to_wire(message), sender_unit=sender_unit,
                     recipient_unit=owner.code, handling_code=alert.handling_code.value, stream=stream_of(alert.id))


def as_utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
