"""The node administrator's gate settings: how long an alert's owner has to answer a hit, and how
long a border-pass holder may stay. They are durations kept through the shared duration settings."""

from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy.orm import Session

from borderlink.directory.permissions import Permission, Principal
from borderlink.gates.models import (
    DEFAULT_OTHER_DEADLINE,
    DEFAULT_PASS_STAY,
    DEFAULT_URGENT_DEADLINE,
    URGENT_ALERT_KINDS,
)
from borderlink.shared.durations import DurationSettings
from borderlink.shared.forms import N_


class GateDuration(enum.StrEnum):
    URGENT_HITS = "hit_deadline_urgent"  # hits on wanted, missing and victim alerts
    OTHER_HITS = "hit_deadline_other"
    STAY = "pass_stay"  # how long a border-pass holder may stay after entering


GATE_SETTINGS = DurationSettings("gates.settings", {
    GateDuration.URGENT_HITS: DEFAULT_URGENT_DEADLINE, GateDuration.OTHER_HITS: DEFAULT_OTHER_DEADLINE,
    GateDuration.STAY: DEFAULT_PASS_STAY}, max_seconds=90 * 86400, permission=Permission.GATES_CONFIGURE,
    refusal=N_("Only the node administrator changes the gate settings."))
_INPUTS = {GateDuration.URGENT_HITS: "hit_urgent_minutes", GateDuration.OTHER_HITS: "hit_other_minutes",
           GateDuration.STAY: "pass_stay_days"}


def hit_deadline(session: Session, alert_kind: str) -> dt.timedelta:
    """How long the alert's owner has to answer a hit on an alert of this kind."""
    urgent = alert_kind in URGENT_ALERT_KINDS
    return GATE_SETTINGS.of(session, GateDuration.URGENT_HITS if urgent else GateDuration.OTHER_HITS)


def stay_limit(session: Session) -> dt.timedelta:
    return GATE_SETTINGS.of(session, GateDuration.STAY)


def change(session: Session, principal: Principal, *, urgent_minutes: int | None = None,
           other_minutes: int | None = None, stay_days: int | None = None) -> None:
    """Store the settings given (None keeps one as it is)."""
    GATE_SETTINGS.change(session, principal, {
        GateDuration.URGENT_HITS: None if urgent_minutes is None else urgent_minutes * 60,
        GateDuration.OTHER_HITS: None if other_minutes is None else other_minutes * 60,
        GateDuration.STAY: None if stay_days is None else stay_days * 86400}, _INPUTS)
