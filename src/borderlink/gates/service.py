"""Gates as the node shows them: the reference gates joined with their directory units."""

from __future__ import annotations

import dataclasses
import datetime as dt

from sqlalchemy.orm import Session

from borderlink.directory import service as directory
from borderlink.directory.models import Unit
from borderlink.gates.reference import Gate, reference_gates


@dataclasses.dataclass(frozen=True, slots=True)
class GateView:
    gate: Gate
    unit: Unit
    facing: Unit | None
    local_time: dt.datetime


def list_gates(session: Session, now: dt.datetime, party: str | None = None) -> list[GateView]:
    """Active gate units of the directory, optionally of one party, in directory order."""
    units = directory.list_units(session)
    by_code = {unit.code: unit for unit in units}
    by_id = {unit.id: unit for unit in units}
    pairs = directory.counterpart_map(session)
    views: list[GateView] = []
    gates = {gate.unit: gate for gate in reference_gates()}
    for unit in units:
        gate = gates.get(unit.code)
        if gate is None or (party and unit.party_code != party.upper()):
            continue
        facing = next((by_id[uid] for uid in pairs.get(unit.id, []) if uid in by_id and by_id[uid].code in gates),
                      None)
        views.append(GateView(gate=gate, unit=by_code[unit.code], facing=facing, local_time=gate.local_time(now)))
    return views
