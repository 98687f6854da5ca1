"""Recording a crossing at a gate and checking it against every active alert, in one transaction.

The person comes from the machine-readable zone or is typed (names in any script); the document,
the vehicle plate and the border pass are taken as given. The check asks the live screening index
about the person, the document and the plate at once; each match becomes a hit (hits.py) that the
alert's owning unit confirms or rejects, unless that unit already said of this traveller that it is
not the person.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import unicodedata
from collections.abc import Sequence
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderlink.alerts.screening_entries import (
    ScreeningHit,
    ScreeningQuery,
    normalise_document_number,
    normalise_state,
)
from borderlink.db import on_commit_once
from borderlink.directory import service as directory
from borderlink.directory.models import Unit
from borderlink.directory.permissions import Permission, Principal
from borderlink.errors import Forbidden, InvalidInput, NotFound
from borderlink.gates import hits as hit_service
from borderlink.gates import mrz, passes, photos, pre_arrivals, protection
from borderlink.gates.alert_screen import AlertFacts, alert_screen
from borderlink.gates.models import GATE_TYPE, CheckResult, Crossing, Direction, DocumentType, Hit
from borderlink.gates.reference import Gate, reference_gates
from borderlink.gates.schemas import CrossingCreate
from borderlink.ids import new_id
from borderlink.shared import live, paging
from borderlink.shared.attachments import StoredFile
from borderlink.shared.workfeed import ObjectRef

# A crossing time the officer gives may lag (an e-gate's queue) but is never ahead of the node.
MAX_CLOCK_LEAD = dt.timedelta(minutes=5)
_MRZ_DOCUMENT_TYPES = {"P": DocumentType.PASSPORT, "I": DocumentType.ID_CARD, "A": DocumentType.ID_CARD,
                       "C": DocumentType.ID_CARD, "V": DocumentType.VISA}


@dataclasses.dataclass(frozen=True, slots=True)
class Recorded:
    crossing: Crossing
    hits: list[Hit]
    children: list[Recorded] = dataclasses.field(default_factory=list)


def gate_of(session: Session, principal: Principal, unit_code: str | None) -> tuple[Unit, Gate]:
    """The gate a crossing is recorded at: the caller's unit, or a gate below it on this node."""
    gates = {gate.unit: gate for gate in reference_gates()}
    try:
        unit = directory.cached_unit_by_code(session, unit_code.strip().upper()) if unit_code else \
            directory.cached_unit(session, principal.unit_id)
    except NotFound as exc:
        raise InvalidInput("There is no gate %(code)s.", field="gate_unit_code", code=unit_code or "") from exc
    gate = gates.get(unit.code)
    if gate is None:
        raise InvalidInput("%(code)s is not a border gate; give the gate the crossing is recorded at.",
                           field="gate_unit_code", code=unit.code)
    if unit.party_code != principal.party or not principal.covers_unit(unit.id):
        raise Forbidden("You record crossings only at your own gate or the gates below your unit.",
                        field="gate_unit_code")
    return unit, gate


def fold_name(name: str) -> str:
    text = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D")).upper()
    return " ".join("".join(ch for ch in text if not unicodedata.combining(ch)).split())


def traveller_key(names: list[str], birth_date: str | None, nationality: str | None,
                  document_number: str | None, issuing_state: str | None) -> str:
    """Who crosses, as one key: the document when there is one, else the first name and birth
    date. Entries and exits are matched on it, and a rejected hit is remembered under it."""
    number = normalise_document_number(document_number or "")
    if number:
        identity = f"D|{normalise_state(issuing_state)}|{number}"
    else:
        identity = f"P|{fold_name(names[0]) if names else ''}|{birth_date or ''}|{nationality or ''}"
    return hashlib.sha256(identity.encode("utf-8")).hexdigest()


def _from_mrz(text: str, today: dt.date) -> mrz.MrzResult:
    result = mrz.parse(text, today=today)
    if not result.valid:
        problems = "; ".join(result.errors) or ", ".join(name for name, ok in result.checks.items() if not ok)
        raise InvalidInput("The machine-readable zone does not read: %(problems)s.", field="mrz", problems=problems)
    return result


def record(session: Session, principal: Principal, data: CrossingCreate, now: dt.datetime) -> Recorded:
    """Record the crossing and check it; hits are reported to the alerts' owners at once."""
    return record_many(session, principal, [data], now)[0]


def record_many(session: Session, principal: Principal, items: Sequence[CrossingCreate],
                now: dt.datetime) -> list[Recorded]:
    """Record several crossings (an e-gate's batch), each checked as `record` checks one, with the
    batch's shared work done once: each gate looked up once, all of them screened against one
    catch-up of the index with one read of the alerts they match and of earlier rejections, the
    crossings written together, one read of the entries their exits close and one of the persons
    other domains protect (only when a crossing matched), and their hits with them when the
    transaction flushes."""
    if not principal.can(Permission.GATES_CHECK):
        raise Forbidden("Your role may not record crossings.")
    gates: dict[str | None, tuple[Unit, Gate]] = {}
    made = [_crossing_of(session, principal, data, now, gates) for data in items]
    crossings = [crossing for crossing, _, _ in made]
    # Screened before they are written, so each crossing goes in once with its result.
    screened = screen_many(session, principal, crossings, now)
    for crossing, matches in zip(crossings, screened, strict=True):
        crossing.check_result = CheckResult.HIT if matches else CheckResult.CLEAR
    session.add_all(crossings)
    session.flush()
    passes.match_exits(session, [crossing for crossing in crossings if crossing.direction is Direction.EXIT],
                       principal.party)
    matched = [[facts for _, facts in matches] for matches in screened]
    protected = protection.travellers_protected(session, list(zip(crossings, matched, strict=True)))
    photos_kept = [_follow_up(session, principal, data, crossing, unit, now)
                   for data, (crossing, unit, _) in zip(items, made, strict=True)]
    # The hits are reported once every read above is done, and a read while reporting (a setting
    # or a unit not cached yet) does not write them one by one: they go in together.
    with session.no_autoflush:
        found = hit_service.report_many(session, [
            hit_service.Found(crossing, unit, matches, is_protected, photo)
            for (crossing, unit, _), matches, photo, is_protected in zip(made, screened, photos_kept, protected,
                                                                         strict=True)], now)
    recorded = []
    for data, (crossing, _, gate), hits in zip(items, made, found, strict=True):
        children = _children_of(session, data, crossing.crossed_at, gate)
        recorded.append(Recorded(crossing, hits, record_many(session, principal, children, now) if children else []))
    return recorded


def _crossing_of(session: Session, principal: Principal, data: CrossingCreate, now: dt.datetime,
                 gates: dict[str | None, tuple[Unit, Gate]]) -> tuple[Crossing, Unit, Gate]:
    """The crossing as recorded (not yet screened nor written), at its gate."""
    wanted = data.gate_unit_code.strip().upper() if data.gate_unit_code else None
    if wanted not in gates:
        gates[wanted] = gate_of(session, principal, data.gate_unit_code)
    unit, gate = gates[wanted]
    crossed_at = data.crossed_at.astimezone(dt.UTC) if data.crossed_at and data.crossed_at.tzinfo else \
        (data.crossed_at.replace(tzinfo=dt.UTC) if data.crossed_at else now)
    if crossed_at > now + MAX_CLOCK_LEAD:
        raise InvalidInput("A crossing cannot be recorded in the future.", field="crossed_at")
    lane = _lane(gate, data.lane, data.direction.value)
    person, document = data.person, data.document
    names = list(person.names) if person else []
    surname = person.surname if person else None
    given = person.given_names if person else None
    birth = person.birth_date if person else None
    sex: str | None = person.sex if person else None
    nationality = person.nationality if person else None
    doc_type = document.type if document else None
    number = document.number if document else None
    state = document.issuing_state if document else None
    expiry = document.expiry.isoformat() if document and document.expiry else None
    expired = bool(document and document.expiry and document.expiry < crossed_at.date())
    mrz_format = None
    if data.mrz and data.mrz.strip():
        read = _from_mrz(data.mrz, crossed_at.astimezone(ZoneInfo(gate.timezone)).date())
        surname, given = read.surname, read.given_names or None
        latin = " ".join(part for part in (read.surname, read.given_names) if part)
        names = [latin, *(name for name in names if fold_name(name) != fold_name(latin))]
        birth, sex = read.birth_date or birth, read.sex or sex
        nationality = read.nationality or nationality
        doc_type = _MRZ_DOCUMENT_TYPES.get((read.document_code or "P")[0], DocumentType.OTHER)
        number, state = read.document_number, read.issuing_state
        expiry = read.expiry_date.isoformat() if read.expiry_date else None
        expired = bool(read.expired)
        mrz_format = read.format.value if read.format else None
    elif surname and not names:
        names = [" ".join(part for part in (surname, given) if part)]
    pass_number = None
    if data.border_pass:
        held = passes.valid_pass(session, data.border_pass, crossed_at.astimezone(ZoneInfo(gate.timezone)).date())
        pass_number = held.number
        if not names:
            names = list(held.holder_names)
            birth, sex = birth or held.holder_birth_date, sex or held.holder_sex
            nationality = nationality or held.holder_nationality
        if number is None:
            doc_type, number = DocumentType.BORDER_PASS, held.number
    plate = data.vehicle_plate.strip().upper() if data.vehicle_plate else None
    crossing = Crossing(
        id=new_id(), gate_unit_id=unit.id, direction=data.direction, crossed_at=crossed_at, lane_code=lane,
        officer_user_id=principal.user_id, officer_name=principal.display_name, surname=surname,
        given_names=given, names=names, birth_date=birth, sex=sex, nationality=nationality,
        document_type=doc_type, document_number=number, issuing_state=state, document_expiry=expiry,
        document_expired=expired, mrz_format=mrz_format, purpose=data.purpose, vehicle_plate=plate,
        border_pass=pass_number, traveller_key=traveller_key(
            # A border pass lists the holder's children too: its holders are told apart by person.
            names, birth, nationality, None if doc_type is DocumentType.BORDER_PASS else number, state),
        check_result=CheckResult.CLEAR, created_at=now,
    )
    return crossing, unit, gate


def _follow_up(session: Session, principal: Principal, data: CrossingCreate, crossing: Crossing, unit: Unit,
               now: dt.datetime) -> StoredFile | None:
    """What a written crossing sets going before its hits, beside its exit matched to its entry:
    the gate's dashboards told, an announced vehicle marked arrived, the photo kept."""
    dashboard_changed(session, unit.id)
    pre_arrivals.match_crossing(session, crossing, unit, now)
    return photos.attach_to_crossing(session, principal, crossing, data.photo.filename, data.photo.content_base64,
                                     now) if data.photo else None


def dashboard_topic(gate_unit_id: str) -> str:
    """The live topic of a gate's dashboard: a crossing there (hits, notices and overstays reach it
    through the gate's work feed)."""
    return live.object_topic(GATE_TYPE, gate_unit_id)


def dashboard_changed(session: Session, gate_unit_id: str) -> None:
    """Tell the gate's open dashboards once the transaction commits, once per gate however many
    crossings the transaction records (an e-gate's batch)."""
    topic = dashboard_topic(gate_unit_id)
    on_commit_once(session, topic, lambda: live.broadcaster.publish([topic], ObjectRef(GATE_TYPE, gate_unit_id).key))


def _children_of(session: Session, data: CrossingCreate, crossed_at: dt.datetime, gate: Gate) -> list[CrossingCreate]:
    """The children on the pass who cross with the holder, each as a crossing of its own (a child
    may be the subject of a missing-person alert)."""
    if not data.pass_children or not data.border_pass:
        return []
    held = passes.valid_pass(session, data.border_pass, crossed_at.astimezone(ZoneInfo(gate.timezone)).date())
    listed = list(held.children or [])
    crossings: list[CrossingCreate] = []
    for place in dict.fromkeys(data.pass_children):
        if place >= len(listed):
            raise InvalidInput("Border pass %(number)s lists %(count)s children.", field="pass_children",
                               number=held.number, count=len(listed))
        child = listed[place]
        crossings.append(CrossingCreate.model_validate({
            "direction": data.direction, "crossed_at": crossed_at, "lane": data.lane,
            "gate_unit_code": data.gate_unit_code, "purpose": data.purpose, "border_pass": held.number,
            "person": {"names": list(child.get("names") or [])[:3], "birth_date": child.get("birth_date"),
                       "nationality": held.holder_nationality},
            "document": {"type": "border_pass", "number": held.number}}))
    return crossings


def _lane(gate: Gate, code: str | None, direction: str) -> str | None:
    if not code:
        return None
    wanted = code.strip().upper()
    for lane in gate.lanes:
        if lane.code == wanted:
            if lane.direction.value not in ("both", direction):
                raise InvalidInput("Lane %(lane)s is for %(direction)s only.", field="lane", lane=wanted,
                                   direction=lane.direction.value)
            return wanted
    raise InvalidInput("%(gate)s has no lane %(lane)s; its lanes are %(lanes)s.", field="lane", gate=gate.unit,
                       lane=wanted, lanes=", ".join(lane.code for lane in gate.lanes))


def query_of(crossing: Crossing) -> ScreeningQuery:
    return ScreeningQuery(
        names=tuple(crossing.names), birth_date=crossing.birth_date,
        gender=crossing.sex if crossing.sex in ("M", "F") else None, nationality=crossing.nationality,
        document_number=crossing.document_number, document_state=crossing.issuing_state,
        plate=crossing.vehicle_plate,
    )


def screen(session: Session, principal: Principal, crossing: Crossing,
           now: dt.datetime) -> list[tuple[ScreeningHit, AlertFacts]]:
    """The person, the document and the plate against the live screening index, one match per
    alert; a match the alert's owner rejected for this traveller before is not raised again."""
    return screen_many(session, principal, [crossing], now)[0]


def screen_many(session: Session, principal: Principal, crossings: Sequence[Crossing],
                now: dt.datetime) -> list[list[tuple[ScreeningHit, AlertFacts]]]:
    """`screen` for each crossing, in order, with one screening call and one read of the
    rejections for all of them."""
    if not crossings:
        return []
    found = alert_screen().screen_many(session, principal, [query_of(c) for c in crossings], now)
    rejected = hit_service.rejected_pairs(session, {(crossing.traveller_key, match.alert_id)
                                                    for crossing, matches in zip(crossings, found, strict=True)
                                                    for match, _ in matches})
    answers: list[list[tuple[ScreeningHit, AlertFacts]]] = []
    for crossing, matches in zip(crossings, found, strict=True):
        kept: list[tuple[ScreeningHit, AlertFacts]] = []
        seen: set[str] = set()
        for match, facts in matches:
            # One hit per alert: the person and their document matching the same alert are one finding.
            if (crossing.traveller_key, match.alert_id) in rejected or match.alert_id in seen:
                continue
            seen.add(match.alert_id)
            kept.append((match, facts))
        answers.append(kept)
    return answers


def crossing_hits(session: Session, crossing_ids: list[str]) -> dict[str, list[Hit]]:
    grouped: dict[str, list[Hit]] = {}
    if not crossing_ids:
        return grouped
    for hit in session.scalars(select(Hit).where(Hit.crossing_id.in_(crossing_ids)).order_by(Hit.created_at)):
        grouped.setdefault(hit.crossing_id or "", []).append(hit)
    return grouped


def visible_crossing(session: Session, principal: Principal, crossing_id: str) -> Crossing:
    """A crossing at the caller's gate or a gate below their unit; others do not exist for them."""
    if not principal.can(Permission.GATES_READ):
        raise NotFound("There is no such crossing, or you may not see it.")
    found = session.scalar(select(Crossing).where(
        Crossing.id == crossing_id, Crossing.gate_unit_id.in_(principal.scope_unit_ids)))
    if found is None:
        raise NotFound("There is no such crossing, or you may not see it.")
    return found


CROSSING_SORT = paging.SortKey((Crossing.crossed_at, Crossing.id))  # type: ignore[arg-type]


def list_crossings(session: Session, principal: Principal, *, limit: int, cursor: str | None = None,
                   gate_unit_code: str | None = None, result: str | None = None,
                   direction: str | None = None) -> paging.Page[Crossing]:
    """Crossings at the gates the caller covers, newest first; scoped in SQL."""
    query = select(Crossing).where(Crossing.gate_unit_id.in_(principal.scope_unit_ids))
    if gate_unit_code:
        query = query.where(Crossing.gate_unit_id.in_(select(Unit.id).where(Unit.code == gate_unit_code.upper())))
    if result:
        query = query.where(Crossing.check_result == result)
    if direction:
        query = query.where(Crossing.direction == direction)
    return paging.fetch_page(session, query, CROSSING_SORT, limit, cursor)
