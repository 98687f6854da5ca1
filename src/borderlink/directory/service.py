"""Units, tiers and counterparts: reading the directory and loading its reference data."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from importlib import resources
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, make_transient_to_detached

from borderlink.directory.models import Counterpart, Party, Tier, Unit
from borderlink.errors import InvalidInput, NotFound
from borderlink.shared.static_cache import StaticCache


def reference_data() -> dict[str, Any]:
    data_dir = resources.files("borderlink.directory") / "data"
    parties = json.loads((data_dir / "parties.json").read_text(encoding="utf-8"))
    units = json.loads((data_dir / "units.json").read_text(encoding="utf-8"))
    return {"parties": parties, "units": units["units"], "counterparts": units["counterparts"]}


def load_reference_data(session: Session, local_party: str, data: dict[str, Any] | None = None) -> int:
    """Insert or update parties, units and counterparts. Idempotent; returns rows changed."""
    data = data or reference_data()
    changed = 0
    for item in data["parties"]:
        party = session.get(Party, item["code"]) or Party(code=item["code"])
        values = {**{k: item[k] for k in ("name_vi", "name_zh", "name_en")}, "is_local": item["code"] == local_party}
        changed += _apply(session, party, values)
    session.flush()
    by_code = {u.code: u for u in session.scalars(select(Unit))}
    for item in data["units"]:
        unit = by_code.get(item["code"])
        if unit is None:
            unit = by_code[item["code"]] = Unit(code=item["code"])
        parent = by_code.get(item["parent"]) if item.get("parent") else None
        if item.get("parent") and parent is None:
            raise InvalidInput(f"unit {item['code']}: parent {item['parent']} must be listed before it")
        values = {
            "party_code": item["party"],
            "tier": Tier(item["tier"]),
            "name_vi": item["name_vi"],
            "name_zh": item["name_zh"],
            "name_en": item["name_en"],
            "parent_id": parent.id if parent else None,
            "province": item.get("province"),
            "location": item.get("location"),
        }
        changed += _apply(session, unit, values)
        session.flush()
    existing = {(c.unit_a_id, c.unit_b_id) for c in session.scalars(select(Counterpart))}
    for code_a, code_b in data["counterparts"]:
        unit_a, unit_b = by_code[code_a], by_code[code_b]
        if unit_a.tier != unit_b.tier or unit_a.party_code == unit_b.party_code:
            raise InvalidInput(f"counterparts {code_a} and {code_b} must face each other at one tier")
        if (unit_a.id, unit_b.id) not in existing and (unit_b.id, unit_a.id) not in existing:
            session.add(Counterpart(unit_a_id=unit_a.id, unit_b_id=unit_b.id))
            changed += 1
    session.flush()
    return changed


def _apply(session: Session, row: Any, values: dict[str, Any]) -> int:
    dirty = False
    for key, value in values.items():
        if getattr(row, key, None) != value:
            setattr(row, key, value)
            dirty = True
    if dirty and row not in session:
        session.add(row)
    return int(dirty)


def local_party(session: Session) -> Party:
    party = session.scalar(select(Party).where(Party.is_local.is_(True)))
    if party is None:
        raise NotFound("the directory has no local party; run 'borderlink db upgrade' and seed it")
    return party


def list_units(session: Session, party_code: str | None = None) -> list[Unit]:
    query = select(Unit).where(Unit.is_active.is_(True))
    if party_code:
        query = query.where(Unit.party_code == party_code)
    units = list(session.scalars(query))
    units.sort(key=lambda u: (u.party_code, u.tier.rank, u.code))
    return units


def get_unit(session: Session, unit_id: str) -> Unit:
    unit = session.get(Unit, unit_id)
    if unit is None:
        raise NotFound("no such unit")
    return unit


def _unit_rows(session: Session) -> dict[str, dict[str, Any]]:
    columns = Unit.__table__.columns
    return {row["id"]: dict(row) for row in session.execute(select(*columns)).mappings()}


_UNIT_ROWS = StaticCache("unit rows", (Unit,), _unit_rows)


def cached_unit(session: Session, unit_id: str) -> Unit:
    """`get_unit` without a read for work done many times a second (a gate's crossings): the unit
    this session holds already, else one placed in it as the process's copy of the units table
    has it (kept and dropped as every `StaticCache` is); a unit not in that copy is read."""
    held = session.identity_map.get(session.identity_key(Unit, unit_id))
    if isinstance(held, Unit):
        return held
    row = _UNIT_ROWS.get(session).get(unit_id)
    if row is None:
        return get_unit(session, unit_id)
    unit = Unit(**row)
    make_transient_to_detached(unit)  # as loaded: adding it writes nothing
    session.add(unit)
    return unit


def cached_unit_by_code(session: Session, code: str) -> Unit:
    """`get_unit_by_code` through `cached_unit`."""
    unit_id = _UNIT_IDS.get(session).get(code)
    unit = cached_unit(session, unit_id) if unit_id is not None else None
    return unit if unit is not None and unit.code == code else get_unit_by_code(session, code)


def get_unit_by_code(session: Session, code: str) -> Unit:
    # The code's unit id comes from the per-process map, so the unit is usually already in the
    # session (or one primary-key read away); a code not in the map is looked up as asked.
    unit_id = _UNIT_IDS.get(session).get(code)
    unit = session.get(Unit, unit_id) if unit_id is not None else None
    if unit is None or unit.code != code:
        unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise NotFound(f"no unit with code {code!r}")
    return unit


def counterparts_of(session: Session, unit_id: str) -> list[Unit]:
    """The units facing this one across the border, at the same tier."""
    ids = _COUNTERPARTS.get(session).get(unit_id, [])
    units = [cached_unit(session, uid) for uid in ids]
    return sorted(units, key=lambda u: u.code)


def choose_counterpart(session: Session, unit: Unit, code: str | None, field: str) -> Unit:
    """The unit across the border that `unit` works with: the counterpart named by `code`, or its
    only one when `code` is None; anything else is refused beside the input `field`."""
    counterparts = counterparts_of(session, unit.id)
    if code is None:
        if len(counterparts) == 1:
            return counterparts[0]
        if not counterparts:
            raise InvalidInput("%(unit)s has no counterpart unit across the border.", field=field, unit=unit.code)
        raise InvalidInput("%(unit)s has several counterparts; choose one of %(choices)s.", field=field,
                           unit=unit.code, choices=", ".join(u.code for u in counterparts))
    for found in counterparts:
        if found.code == code:
            return found
    raise InvalidInput("%(recipient)s is not a counterpart of %(unit)s.", field=field, recipient=code, unit=unit.code)


def counterpart_map(session: Session) -> dict[str, list[str]]:
    result: dict[str, list[str]] = defaultdict(list)
    for pair in session.scalars(select(Counterpart)):
        result[pair.unit_a_id].append(pair.unit_b_id)
        result[pair.unit_b_id].append(pair.unit_a_id)
    return dict(result)


def counterpart_codes(session: Session, unit_ids: Iterable[str]) -> list[str]:
    """Codes of the units facing any of these units across the border, sorted, from one query."""
    ids = list(unit_ids)
    if not ids:
        return []
    facing = or_(
        and_(Counterpart.unit_a_id.in_(ids), Counterpart.unit_b_id == Unit.id),
        and_(Counterpart.unit_b_id.in_(ids), Counterpart.unit_a_id == Unit.id),
    )
    return list(session.scalars(select(Unit.code).join(Counterpart, facing).distinct().order_by(Unit.code)))


def _unit_tree(session: Session) -> dict[str | None, list[str]]:
    children: dict[str | None, list[str]] = defaultdict(list)
    for uid, parent in session.execute(select(Unit.id, Unit.parent_id)):
        children[parent].append(uid)
    return dict(children)


_UNIT_TREE = StaticCache("unit tree", (Unit,), _unit_tree)


def _unit_code_map(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Unit.id, Unit.code)).tuples().all())


_UNIT_CODES = StaticCache("unit codes", (Unit,), _unit_code_map)


def _unit_id_map(session: Session) -> dict[str, str]:
    return {code: uid for uid, code in session.execute(select(Unit.id, Unit.code)).tuples()}


_UNIT_IDS = StaticCache("unit ids by code", (Unit,), _unit_id_map)


def _unit_party_map(session: Session) -> dict[str, str]:
    return dict(session.execute(select(Unit.code, Unit.party_code)).tuples().all())


_UNIT_PARTIES = StaticCache("unit parties by code", (Unit,), _unit_party_map)


def party_of_unit_code(session: Session, code: str) -> str:
    """The party a unit belongs to, by the unit's code (from the per-process map: checking the
    unit a peer's step names needs no row of it)."""
    party = _UNIT_PARTIES.get(session).get(code)
    return party if party is not None else get_unit_by_code(session, code).party_code
_COUNTERPARTS = StaticCache("counterpart pairs", (Counterpart,), counterpart_map)


def unit_codes(session: Session, unit_ids: Iterable[str]) -> dict[str, str]:
    """Unit id -> code, for the ids asked (a list's rows name units by id)."""
    codes = _UNIT_CODES.get(session)
    return {uid: codes[uid] for uid in unit_ids if uid in codes}


def descendant_ids(session: Session, unit_id: str) -> frozenset[str]:
    """The unit itself and every unit below it."""
    children = _UNIT_TREE.get(session)
    found = {unit_id}
    frontier = [unit_id]
    while frontier:
        current = frontier.pop()
        for child in children.get(current, ()):
            if child not in found:
                found.add(child)
                frontier.append(child)
    return frozenset(found)


def unit_tree(units: Iterable[Unit]) -> list[tuple[Unit, int]]:
    """Depth-first order with depth, for rendering a tree by tier."""
    unit_list = list(units)
    known = {u.id for u in unit_list}
    children: dict[str | None, list[Unit]] = defaultdict(list)
    for unit in unit_list:
        parent = unit.parent_id if unit.parent_id in known else None
        children[parent].append(unit)
    ordered: list[tuple[Unit, int]] = []

    def walk(parent: str | None, depth: int) -> None:
        for unit in sorted(children.get(parent, []), key=lambda u: u.code):
            ordered.append((unit, depth))
            walk(unit.id, depth + 1)

    walk(None, 0)
    return ordered


def demo_accounts() -> dict[str, Any]:
    data_dir = resources.files("borderlink.directory") / "data"
    loaded: dict[str, Any] = json.loads((data_dir / "demo_users.json").read_text(encoding="utf-8"))
    return loaded
