"""Validity on both nodes: the owner unit is told four months before an alert expires; at expiry the
alert leaves the screening index at once; once an ended alert's retention has passed its personal
data is purged, leaving a non-personal tombstone.

Both nodes run this job. Each expires and purges the alerts it holds by the times it holds, so a
replica is expired and purged on time even while the link to the owner is down; the owner also
sends its expiry and purge, which the replica applies once.
"""

from __future__ import annotations

import datetime as dt
import logging

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderlink.alerts import live_index, publishing, service
from borderlink.alerts.models import EXPIRY_NOTICE, TIMELINE, Alert, Status
from borderlink.alerts.visibility import alert_ref
from borderlink.directory import service as directory
from borderlink.node import Node
from borderlink.shared import jobs, workfeed
from borderlink.shared.workfeed import Reason

log = logging.getLogger("borderlink.alerts.expiry")
JOB_NAME = "alert validity"
INTERVAL_SECONDS = 5.0
BATCH = 500


def _owner_code(session: Session, alert: Alert) -> str:
    return directory.get_unit(session, alert.owner_unit_id).code


def notify_expiring(session: Session, local_party: str, now: dt.datetime) -> int:
    due = session.scalars(jobs.claim(session, select(Alert).where(
        Alert.owner_party == local_party, Alert.status == Status.ACTIVE, Alert.expiry_noticed.is_(False),
        Alert.expires_at <= now + EXPIRY_NOTICE).order_by(Alert.expires_at).limit(BATCH), of=Alert)).all()

    def notice(session: Session, alert: Alert) -> bool:
        alert.expiry_noticed = True
        service.add_event(session, alert, "expiry_notice", now, local_party, _owner_code(session, alert),
                          TIMELINE.detail("expiry_notice", until=alert.expires_at.date().isoformat()))
        workfeed.put(session, alert_ref(alert.id), alert.owner_unit_id, Reason.DUE, now, deadline=alert.expires_at)
        return True

    return jobs.each_row(session, JOB_NAME, due, notice, describe=lambda a: f"alert {a.id}").done


def expire_due(session: Session, local_party: str, now: dt.datetime) -> int:
    due = session.scalars(jobs.claim(session, select(Alert).where(
        Alert.status == Status.ACTIVE, Alert.expires_at <= now).order_by(Alert.expires_at).limit(BATCH),
        of=Alert)).all()

    def expire(session: Session, alert: Alert) -> bool:
        owner = alert.owner_party == local_party
        event = service.add_event(session, alert, "expired", now, local_party,
                                  _owner_code(session, alert) if owner else None)
        alert.ended_at = alert.ended_at or now
        alert.purge_due_at = alert.purge_due_at or now + service.purge_delay(session)
        live_index.record_change(session, alert.id, now)
        if owner:
            alert.version += 1
            publishing.send_update(session, alert, event)
        return True

    return jobs.each_row(session, JOB_NAME, due, expire, describe=lambda a: f"alert {a.id}").done


def purge_due(session: Session, local_party: str, now: dt.datetime) -> int:
    due = session.scalars(jobs.claim(session, select(Alert).where(
        service.ended_unpurged(), Alert.purge_due_at <= now).order_by(Alert.purge_due_at).limit(BATCH),
        of=Alert)).all()

    def purge(session: Session, alert: Alert) -> bool:
        owner = alert.owner_party == local_party
        event = service.add_event(session, alert, "purged", now, local_party,
                                  _owner_code(session, alert) if owner else None)
        service.purge_personal_data(session, alert, now)
        if owner and event is not None:
            alert.version += 1
            publishing.send_purge(session, alert, event)
        return True

    return jobs.each_row(session, JOB_NAME, due, purge, describe=lambda a: f"alert {a.id}").done


def run_validity(session: Session, local_party: str, now: dt.datetime) -> dict[str, int]:
    """One pass: notices, expiries, purges (in that order, each in its own savepoints)."""
    return {"noticed": notify_expiring(session, local_party, now), "expired": expire_due(session, local_party, now),
            "purged": purge_due(session, local_party, now)}


def _pass(node: Node) -> None:
    done = node.run(lambda session: run_validity(session, node.party, node.clock.now()), what="an alert validity pass")
    if any(done.values()):
        log.info("alerts: %(noticed)d expiry notices, %(expired)d expired, %(purged)d purged", done)


async def validity_loop(node: Node) -> None:
    await jobs.run_periodically(node, jobs.Job(JOB_NAME, _pass, INTERVAL_SECONDS))
