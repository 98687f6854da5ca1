"""Border-resident passes, entry and exit matching, and overstays.

A pass names its holder, their commune, the area they may visit and the children travelling with
them, and is valid for at most twelve months. A crossing may be made with a pass (checked valid on
the day). Each exit is matched to the traveller's open entry (same traveller key: the document, or
the name and birth date); an entry with a pass and no exit after the node's allowed stay (7 days
unless the node administrator sets another) is an overstay. A periodic pass puts each new overstay
in the work feed of its gate and of the province above it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderlink.directory import service as directory
from borderlink.directory.models import Unit
from borderlink.directory.permissions import Permission, Principal
from borderlink.errors import Conflict, Forbidden, InvalidInput, NotFound
from borderlink.gates import settings
from borderlink.gates.models import (
    MAX_PASS_VALIDITY_MONTHS,
    OVERSTAY_TYPE,
    BorderPass,
    Crossing,
    Direction,
)
from borderlink.gates.schemas import PassCreate
from borderlink.ids import new_id
from borderlink.node import Node
from borderlink.shared import jobs, paging, workfeed
from borderlink.shared.workfeed import ObjectRef, Reason

log = logging.getLogger("borderlink.gates.passes")
JOB_NAME = "gate overstays"
INTERVAL_SECONDS = 60.0


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return dt.date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def create_pass(session: Session, principal: Principal, data: PassCreate, now: dt.datetime) -> BorderPass:
    if not principal.can(Permission.GATES_CHECK):
        raise Forbidden("Your role may not register border passes.")
    if data.valid_until < data.valid_from:
        raise InvalidInput("A pass cannot end before it starts.", field="valid_until")
    # Valid through the day before the same date a year on: 2026-10-01 to 2027-09-30 is twelve months.
    if data.valid_until >= _add_months(data.valid_from, MAX_PASS_VALIDITY_MONTHS):
        raise InvalidInput("A border pass is valid for at most %(months)s months.", field="valid_until",
                           months=MAX_PASS_VALIDITY_MONTHS)
    number = data.number.strip().upper()
    if session.scalar(select(BorderPass.id).where(BorderPass.number == number)) is not None:
        raise Conflict("Pass %(number)s is registered already.", field="number", number=number)
    found = BorderPass(
        id=new_id(), number=number, holder_names=list(data.holder.names), holder_birth_date=data.holder.birth_date,
        holder_sex=data.holder.sex, holder_nationality=data.holder.nationality, commune=data.commune,
        permitted_area=data.permitted_area, children=[c.model_dump(exclude_none=True) for c in data.children],
        valid_from=data.valid_from, valid_until=data.valid_until, issuing_unit_id=principal.unit_id, created_at=now)
    session.add(found)
    session.flush()
    return found


def find_pass(session: Session, principal: Principal, number: str) -> BorderPass:
    """A pass registered on this node, as any gate officer checks the one shown to them."""
    found = session.scalar(select(BorderPass).where(BorderPass.number == number.strip().upper()))
    if found is None or not principal.can(Permission.GATES_READ):
        raise NotFound("There is no border pass %(number)s.", number=number)
    return found


def valid_pass(session: Session, number: str, day: dt.date) -> BorderPass:
    found = session.scalar(select(BorderPass).where(BorderPass.number == number.strip().upper()))
    if found is None:
        raise InvalidInput("Border pass %(number)s is not registered; register it first.", field="border_pass",
                           number=number)
    if not found.valid_from <= day <= found.valid_until:
        raise InvalidInput("Border pass %(number)s is valid from %(start)s to %(end)s only.", field="border_pass",
                           number=found.number, start=found.valid_from.isoformat(),
                           end=found.valid_until.isoformat())
    return found


PASS_SORT = paging.SortKey((BorderPass.created_at, BorderPass.id))  # type: ignore[arg-type]


def list_passes(session: Session, principal: Principal, *, limit: int, cursor: str | None) -> paging.Page[BorderPass]:
    query = select(BorderPass).where(BorderPass.issuing_unit_id.in_(principal.scope_unit_ids))
    return paging.fetch_page(session, query, PASS_SORT, limit, cursor)


# --- entries and exits ----------------------------------------------------------------------------

def match_exits(session: Session, exits: Sequence[Crossing], party: str) -> list[Crossing | None]:
    """Link each exit, in order, to its traveller's latest open entry at a gate of this node (an
    entry closes once: two exits of one traveller take two entries), from one read for all of
    them (an e-gate's batch)."""
    if not exits:
        return []
    units = select(Unit.id).where(Unit.party_code == party)
    candidates = list(session.scalars(select(Crossing).where(
        Crossing.traveller_key.in_({crossing.traveller_key for crossing in exits}),
        Crossing.direction == Direction.ENTRY, Crossing.exit_crossing_id.is_(None),
        Crossing.crossed_at <= max(crossing.crossed_at for crossing in exits), Crossing.gate_unit_id.in_(units),
    ).order_by(Crossing.crossed_at.desc())))
    matched: list[Crossing | None] = []
    for exit_crossing in exits:
        entry = next((c for c in candidates if c.traveller_key == exit_crossing.traveller_key
                      and c.exit_crossing_id is None and c.crossed_at <= exit_crossing.crossed_at), None)
        if entry is not None:
            entry.exit_crossing_id = exit_crossing.id
            if entry.overstay_reported_at is not None:
                workfeed.touch(session, ObjectRef(OVERSTAY_TYPE, entry.id), exit_crossing.created_at)
        matched.append(entry)
    return matched


def overstays(session: Session, principal: Principal, now: dt.datetime, limit: int = 200) -> list[Crossing]:
    """Entries with a pass at the caller's gates with no exit after the allowed stay, oldest first."""
    if not principal.can(Permission.GATES_READ):
        return []
    query = select(Crossing).where(
        Crossing.direction == Direction.ENTRY, Crossing.border_pass.is_not(None),
        Crossing.exit_crossing_id.is_(None), Crossing.crossed_at <= now - settings.stay_limit(session),
        Crossing.gate_unit_id.in_(principal.scope_unit_ids))
    return list(session.scalars(query.order_by(Crossing.crossed_at, Crossing.id).limit(limit)))


def report_overstays(session: Session, now: dt.datetime) -> int:
    """Put every overstay not reported yet in its gate's and its province's work feed."""
    due = session.scalars(jobs.claim(session, select(Crossing).where(
        Crossing.direction == Direction.ENTRY, Crossing.border_pass.is_not(None),
        Crossing.exit_crossing_id.is_(None), Crossing.overstay_reported_at.is_(None),
        Crossing.crossed_at <= now - settings.stay_limit(session)).order_by(Crossing.crossed_at).limit(500),
        of=Crossing)).all()

    def report(session: Session, crossing: Crossing) -> bool:
        gate = directory.get_unit(session, crossing.gate_unit_id)
        ref = ObjectRef(OVERSTAY_TYPE, crossing.id)
        for unit_id in filter(None, (gate.id, gate.parent_id)):
            workfeed.put(session, ref, unit_id, Reason.DUE, now, deadline=None)
        crossing.overstay_reported_at = now
        return True

    return jobs.each_row(session, JOB_NAME, due, report, describe=lambda c: f"crossing {c.id}").done


def _pass(node: Node) -> None:
    reported = node.run(lambda session: report_overstays(session, node.clock.now()), what="an overstay pass")
    if reported:
        log.info("reported %d overstays", reported)


async def overstay_loop(node: Node) -> None:
    await jobs.run_periodically(node, jobs.Job(JOB_NAME, _pass, INTERVAL_SECONDS))
