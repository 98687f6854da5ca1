"""Applying what the other side sends about alerts.

Each handler runs inside the exchange's inbox transaction with a body already checked against its
contract. The owner alone publishes, changes, withdraws and purges an alert, and only its own
alerts; the receiving side alone flags. The content is checked here as the issuing node checked
it (offence allow-list, legal basis of a wanted alert, neutrality screening with a reviewer's
release), so a replica never holds what this node would have refused to issue.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderlink.alerts import live_index, service
from borderlink.alerts.contracts import (
    AlertContent,
    AlertFlagged,
    AlertPublished,
    AlertPurged,
    AlertUpdated,
    AlertWithdrawn,
    EventPart,
)
from borderlink.alerts.models import (
    DEFAULT_PURGE_AFTER_DAYS,
    ENDED,
    LIFECYCLE,
    OBJECT_TYPE,
    PUBLISHED,
    TIMELINE,
    Alert,
    AlertFlag,
    AlertKind,
    AlertRecipient,
    Distribution,
    Status,
)
from borderlink.alerts.visibility import alert_ref
from borderlink.directory import service as directory
from borderlink.directory.models import Tier, Unit
from borderlink.exchange.registry import InboundEnvelope, Rejected
from borderlink.shared import attachments, workfeed
from borderlink.shared.replicated import (
    Side,
    accept_version,
    check_received_offence,
    known,
    named_unit,
    require_sender_is_owner,
)
from borderlink.shared.workfeed import ObjectRef, Reason

PURGE_DELAY = dt.timedelta(days=DEFAULT_PURGE_AFTER_DAYS)
# The step that leads to each status a replica may be sent in.
_STATUS_EVENTS = {Status.ACTIVE: "activated", Status.FULFILLED: "fulfilled", Status.WITHDRAWN: "withdrawn",
                  Status.EXPIRED: "expired", Status.DRAFT: "drafted", Status.UNDER_REVIEW: "submitted"}



def _check_event(session: Session, alert_owner: str, sender_party: str, event: EventPart) -> None:
    if event.kind not in TIMELINE.kinds:
        raise Rejected(f"{event.kind!r} is not a step of an alert")
    if LIFECYCLE.knows(event.kind):
        LIFECYCLE.require_side(event.kind, Side.OWNER if alert_owner == sender_party else Side.REPLICA)
    if event.party != sender_party:
        raise Rejected(f"a step from {sender_party} cannot be recorded in the name of {event.party}")
    if event.unit_code is not None and named_unit(session, event.unit_code).party_code != sender_party:
        raise Rejected(f"{event.unit_code} is not a unit of the sending node")


def _record(session: Session, alert: Alert, event: EventPart) -> None:
    service.add_event(session, alert, event.kind, event.at, event.party, event.unit_code,
                      TIMELINE.detail_from_payload(event.kind, event.model_dump()), event_id=event.id)


def _check_content(session: Session, content: AlertContent, sender_party: str) -> Unit:
    owner = named_unit(session, content.owner_unit_code)
    if owner.party_code != sender_party:
        raise Rejected(f"{content.owner_unit_code} is not a unit of the sending node")
    if content.status not in PUBLISHED:
        raise Rejected(f"an alert is shared once it is active, not while {content.status.value}")
    check_received_offence(content.offence_code)
    if content.kind == AlertKind.WANTED and content.legal_basis is None:
        raise Rejected("a wanted alert needs its legal basis")
    for code in content.distribution_units:
        unit = named_unit(session, code)
        if unit.party_code == sender_party or unit.tier != Tier.POST:
            raise Rejected(f"{code} is not a border-gate unit of the receiving node")
    if content.distribution == Distribution.UNITS and not content.distribution_units:
        raise Rejected("an alert distributed to listed units lists at least one")
    return owner


def _fill(alert: Alert, content: AlertContent) -> None:
    dumped = content.model_dump(mode="json")
    alert.kind = content.kind
    alert.status = Status(LIFECYCLE.advance(alert.status, _STATUS_EVENTS[content.status])) \
        if alert.status else content.status
    alert.hidden = content.hidden
    alert.action = content.action
    alert.offence_code = content.offence_code
    alert.person = dumped["person"]
    alert.documents = dumped["documents"]
    alert.vehicles = dumped["vehicles"]
    alert.warning_flags = dumped["warning_flags"]
    alert.legal_basis = dumped["legal_basis"]
    alert.description = content.description
    alert.handling_code = content.handling_code
    alert.handling_note = content.handling_note
    alert.source_evaluation = content.source_evaluation
    alert.information_evaluation = content.information_evaluation
    alert.distribution = content.distribution
    alert.expires_at = content.expires_at
    alert.activated_at = content.activated_at
    alert.linked_alert_ids = list(content.linked_alert_ids)
    if content.ended_at is not None and alert.ended_at is None:
        alert.ended_at = content.ended_at
        alert.purge_due_at = content.ended_at + PURGE_DELAY
    alert.author_name = content.author_name


def _screen_text(alert: Alert, content: AlertContent) -> None:
    flags = service.screening_flags(alert)
    if flags and not content.review_note and alert.status == Status.ACTIVE and not alert.screening_flags:
        raise Rejected("the alert appears to rest on political, religious, military or ethnic grounds and no "
                       "central reviewer of the issuing side released it")
    alert.screening_flags = flags


def _sync_photos(session: Session, alert: Alert, content: AlertContent) -> None:
    """The replica holds the photos the owner sent, with their ids, and no others."""
    ref = ObjectRef(OBJECT_TYPE, alert.id)
    wanted = {photo.id for photo in content.photos}
    for stored in attachments.files_of(session, ref):
        if stored.id not in wanted:
            session.delete(stored)
    for photo in content.photos:
        if session.get(attachments.StoredFile, photo.id) is not None:
            continue
        try:
            data = base64.b64decode(photo.content_base64, validate=True)
        except ValueError as exc:
            raise Rejected(f"photo {photo.filename} is not valid base64") from exc
        if hashlib.sha256(data).hexdigest() != photo.sha256:
            raise Rejected(f"photo {photo.filename} does not match its hash")
        attachments.add(session, ref, photo.filename, photo.content_type, data, service.now_of_session(session),
                        names_person=alert.names_person, added_by=content.author_name, file_id=photo.id)


def _set_recipients(session: Session, alert: Alert, codes: list[str]) -> None:
    held = set(session.scalars(select(AlertRecipient.unit_code).where(AlertRecipient.alert_id == alert.id)))
    for code in held - set(codes):
        row = session.get(AlertRecipient, (alert.id, code))
        if row is not None:
            session.delete(row)
    for code in set(codes) - held:
        session.add(AlertRecipient(alert_id=alert.id, unit_code=code))


def _put_in_feeds(session: Session, alert: Alert, now: dt.datetime, codes: list[str]) -> None:
    """The receiving side's central units hold every replica; listed gates hold theirs."""
    party = directory.local_party(session).code
    units = [u for u in directory.list_units(session, party) if u.tier == Tier.CENTRAL or u.code in codes]
    for unit in units:
        workfeed.put(session, alert_ref(alert.id), unit.id, Reason.RECEIVED, now)


def apply_published(session: Session, envelope: InboundEnvelope[AlertPublished]) -> None:
    content = envelope.body.alert
    existing = session.get(Alert, content.id)
    if existing is not None:
        require_sender_is_owner(existing, envelope, "alert")
        return
    owner = _check_content(session, content, envelope.sender_party)
    now = service.now_of_session(session)
    alert = Alert(id=content.id, owner_party=envelope.sender_party, owner_unit_id=owner.id, version=content.version,
                  created_at=content.created_at, updated_at=now, status=content.status,
                  author_name=content.author_name, handling_code=content.handling_code)
    _fill(alert, content)
    alert.status = content.status
    _screen_text(alert, content)
    session.add(alert)
    session.flush()
    _set_recipients(session, alert, list(content.distribution_units))
    _sync_photos(session, alert, content)
    for event in envelope.body.events:
        _check_event(session, envelope.sender_party, envelope.sender_party, event)
        _record(session, alert, event)
    alert.status = content.status
    live_index.record_change(session, alert.id, now)
    _put_in_feeds(session, alert, now, list(content.distribution_units))


def apply_updated(session: Session, envelope: InboundEnvelope[AlertUpdated]) -> None:
    content = envelope.body.alert
    alert = known(session, Alert, content.id, "alert")
    require_sender_is_owner(alert, envelope, "alert")
    if envelope.body.event is not None:
        _check_event(session, alert.owner_party, envelope.sender_party, envelope.body.event)
    if alert.purged_at is not None or not accept_version(alert, content.version):
        if envelope.body.event is not None and alert.purged_at is None:
            _record(session, alert, envelope.body.event)
        return
    if content.owner_unit_code != directory.get_unit(session, alert.owner_unit_id).code:
        raise Rejected("the owner unit of an alert does not change")
    _check_content(session, content, envelope.sender_party)
    _fill(alert, content)
    _screen_text(alert, content)
    _set_recipients(session, alert, list(content.distribution_units))
    _sync_photos(session, alert, content)
    now = service.now_of_session(session)
    if envelope.body.event is not None:
        _record(session, alert, envelope.body.event)
    alert.updated_at = max(alert.updated_at, now)
    live_index.record_change(session, alert.id, now)
    workfeed.touch(session, alert_ref(alert.id), now)


def apply_withdrawn(session: Session, envelope: InboundEnvelope[AlertWithdrawn]) -> None:
    body = envelope.body
    alert = known(session, Alert, body.alert_id, "alert")
    require_sender_is_owner(alert, envelope, "alert")
    if body.event.kind != "withdrawn":
        raise Rejected(f"a withdrawal carries a 'withdrawn' step, not {body.event.kind!r}")
    _check_event(session, alert.owner_party, envelope.sender_party, body.event)
    accept_version(alert, body.version)
    now = service.now_of_session(session)
    if alert.ended_at is None:
        alert.ended_at = body.event.at
        alert.purge_due_at = body.event.at + PURGE_DELAY
    _record(session, alert, body.event)
    alert.updated_at = max(alert.updated_at, now)
    live_index.record_change(session, alert.id, now)
    workfeed.touch(session, alert_ref(alert.id), now)


def apply_purged(session: Session, envelope: InboundEnvelope[AlertPurged]) -> None:
    body = envelope.body
    alert = known(session, Alert, body.alert_id, "alert")
    require_sender_is_owner(alert, envelope, "alert")
    if body.event.kind != "purged":
        raise Rejected(f"a purge carries a 'purged' step, not {body.event.kind!r}")
    _check_event(session, alert.owner_party, envelope.sender_party, body.event)
    if alert.purged_at is not None:
        return
    if alert.status not in ENDED:
        raise Rejected("only an ended alert is purged")
    accept_version(alert, body.version)
    _record(session, alert, body.event)
    service.purge_personal_data(session, alert, service.now_of_session(session))


def apply_flagged(session: Session, envelope: InboundEnvelope[AlertFlagged]) -> None:
    body = envelope.body
    alert = known(session, Alert, body.alert_id, "alert")
    if alert.owner_party != envelope.recipient_party or envelope.sender_party == alert.owner_party:
        raise Rejected("only the receiving side flags an alert, and only to its owner")
    if body.event.kind not in ("flagged", "unflagged") or (body.event.kind == "unflagged") != body.lifted:
        raise Rejected(f"a flag carries a 'flagged' or 'unflagged' step, not {body.event.kind!r}")
    _check_event(session, alert.owner_party, envelope.sender_party, body.event)
    if named_unit(session, body.unit_code).party_code != envelope.sender_party:
        raise Rejected(f"{body.unit_code} is not a unit of the sending node")
    now = service.now_of_session(session)
    item = session.get(AlertFlag, body.flag_id)
    if body.lifted:
        lifted = session.scalar(select(AlertFlag).where(
            AlertFlag.alert_id == alert.id, AlertFlag.party == envelope.sender_party, AlertFlag.lifted_at.is_(None)))
        if lifted is not None:
            lifted.lifted_at = body.event.at
    elif item is None:
        session.add(AlertFlag(id=body.flag_id, alert_id=alert.id, party=envelope.sender_party,
                              unit_code=body.unit_code, author_name=body.author_name, reason=body.reason,
                              created_at=body.event.at))
    _record(session, alert, body.event)
    workfeed.put(session, alert_ref(alert.id), alert.owner_unit_id, Reason.RECEIVED, now)

