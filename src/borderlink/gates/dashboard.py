"""A gate's dashboard: today's crossings by direction and hour (the gate's own day), pending hits,
expected arrivals and overstays, for the gates the caller covers; its page follows them live."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncGenerator
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from borderlink.directory import service as directory
from borderlink.directory.permissions import Principal
from borderlink.errors import NotFound
from borderlink.gates import hits, passes, pre_arrivals
from borderlink.gates.crossings import dashboard_topic
from borderlink.gates.models import Crossing, Direction
from borderlink.gates.reference import Gate, reference_gates
from borderlink.gates.schemas import DashboardOut, HourCount
from borderlink.shared import live


def gate_for(session: Session, principal: Principal, code: str | None) -> tuple[str, Gate]:
    """The gate shown: the one asked for, if the caller covers it; else the caller's own."""
    gates = {g.unit: g for g in reference_gates()}
    wanted = (code or principal.unit_code).upper()
    gate = gates.get(wanted)
    if gate is None:
        raise NotFound("There is no gate %(code)s you may see.", code=wanted)
    unit = directory.get_unit_by_code(session, wanted)
    if unit.id not in principal.scope_unit_ids:
        raise NotFound("There is no gate %(code)s you may see.", code=wanted)
    return unit.id, gate


def dashboard_events(gate_unit_id: str, keepalive: float = 15.0,
                     still_allowed: live.StillAllowed | None = None) -> AsyncGenerator[str, None]:
    """One `dashboard` event each time what the gate's dashboard counts may have changed: a
    crossing at the gate, or a change in the gate's work feed (a hit, a notice, an overstay)."""
    frame = live.sse_frame("dashboard", json.dumps({"gate_unit_id": gate_unit_id}))
    return live.sse_events([dashboard_topic(gate_unit_id), live.unit_topic(gate_unit_id)], lambda _message: frame,
                           keepalive=keepalive, still_allowed=still_allowed)


def dashboard(session: Session, principal: Principal, code: str | None, now: dt.datetime) -> DashboardOut:
    unit_id, gate = gate_for(session, principal, code)
    zone = ZoneInfo(gate.timezone)
    local = now.astimezone(zone)
    start = local.replace(hour=0, minute=0, second=0, microsecond=0).astimezone(dt.UTC)
    rows = session.execute(select(Crossing.direction, Crossing.crossed_at).where(
        Crossing.gate_unit_id == unit_id, Crossing.crossed_at >= start, Crossing.crossed_at <= now)).all()
    counts: dict[tuple[int, str], int] = {}
    for direction, at in rows:
        key = (at.astimezone(zone).hour, direction.value)
        counts[key] = counts.get(key, 0) + 1
    by_hour = [HourCount(hour=hour, entry=counts.get((hour, "entry"), 0), exit=counts.get((hour, "exit"), 0))
               for hour in range(local.hour + 1)]
    scope = frozenset({unit_id})
    pending = hits.count_pending(session, scope)
    expected = [n for n in pre_arrivals.list_notices(session, principal, status="expected", gate_unit_code=gate.unit)
                if n.to_gate_unit_id == unit_id]
    overstaying = [c for c in passes.overstays(session, principal, now) if c.gate_unit_id == unit_id]
    total = session.scalar(select(func.count()).select_from(Crossing).where(
        Crossing.gate_unit_id == unit_id, Crossing.crossed_at >= start)) or 0
    return DashboardOut(
        gate_unit_code=gate.unit, timezone=gate.timezone, local_date=local.date(), crossings_today=int(total),
        entries_today=sum(h.entry for h in by_hour), exits_today=sum(h.exit for h in by_hour), by_hour=by_hour,
        pending_hits=pending, expected_arrivals=len(expected), overstays=len(overstaying),
        hits_today=int(session.scalar(select(func.count()).select_from(Crossing).where(
            Crossing.gate_unit_id == unit_id, Crossing.crossed_at >= start,
            Crossing.check_result == "hit")) or 0),
        direction_codes=[d.value for d in Direction],
    )
