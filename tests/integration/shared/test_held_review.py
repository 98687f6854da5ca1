"""The shared hold-for-review: the reviewer's queue (scope, oldest first) and a decision (scope,
lifecycle, note, the row's fields set, the event with the note, what follows, the feeds touched),
declared here over hotline rows with callbacks that only record what they are given."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from sqlalchemy.orm import Session
from tests.integration.conftest import START, Persona
from tests.integration.shared.test_scoping import _principal, _request_in_feed_of

from borderlink.directory import service as directory
from borderlink.directory.permissions import Permission
from borderlink.errors import Forbidden, InvalidInput
from borderlink.hotline.models import LIFECYCLE, OBJECT_TYPE, TIMELINE, HotlineRequest, Status
from borderlink.hotline.service import REQUEST_KIND, add_event
from borderlink.node import Node
from borderlink.shared import workfeed
from borderlink.shared.held_review import Decision, HeldReview, Refusals
from borderlink.shared.workfeed import Reason

REFUSALS = Refusals(queue="no queue", reviewer="not a reviewer", owner="not the owner", state="not held",
                    note="say why")
LATER = START + dt.timedelta(minutes=10)


def _review(calls: list[tuple[Any, ...]], *, for_owner_unit: bool) -> HeldReview[HotlineRequest]:
    def sets(session: Session, request: HotlineRequest, now: dt.datetime) -> None:
        calls.append(("sets", request.id, now, [e.kind for e in TIMELINE.events(session, request.id)]))

    def then(session: Session, request: HotlineRequest, now: dt.datetime, note: str) -> None:
        calls.append(("then", request.id, now, note, [e.kind for e in TIMELINE.events(session, request.id)]))

    return HeldReview(OBJECT_TYPE, HotlineRequest, LIFECYCLE, held=Status.HELD,
                      permission=Permission.HOTLINE_SUPERVISE, for_owner_unit=for_owner_unit,
                      find=REQUEST_KIND.visible, record=add_event, refusals=REFUSALS,
                      accept=Decision("released", sets=sets, then=then), refuse=Decision("withdrawn"))


def _held(session: Session, unit_code: str, at: dt.datetime) -> HotlineRequest:
    request = _request_in_feed_of(session, unit_code, names_person=False)
    request.status, request.created_at = Status.HELD, at
    session.flush()
    return request


def test_the_queue_holds_what_the_reviewer_covers_oldest_first(node: Node, personas: dict[str, Persona]) -> None:
    with node.transaction() as session:
        newer = _held(session, "VN-QN-MONGCAI", START + dt.timedelta(minutes=5))
        older = _held(session, "VN-QN-MONGCAI", START)
        elsewhere = _held(session, "VN-LC-LAOCAI", START)
        _request_in_feed_of(session, "VN-QN-MONGCAI", names_person=False)  # sent: not held
        commander = _principal(session, personas["provincial_commander"])
        assert [r.id for r in _review([], for_owner_unit=True).queue(session, commander)] == [older.id, newer.id]
        assert elsewhere.id in {r.id for r in _review([], for_owner_unit=False).queue(session, commander)}
        with pytest.raises(Forbidden, match="no queue"):
            _review([], for_owner_unit=True).queue(session, _principal(session, personas["post_officer"]))


def test_a_decision_is_refused_before_anything_is_recorded(node: Node, personas: dict[str, Persona]) -> None:
    calls: list[tuple[Any, ...]] = []
    review = _review(calls, for_owner_unit=True)
    with node.transaction() as session:
        held = _held(session, "VN-QN-MONGCAI", START)
        sent = _request_in_feed_of(session, "VN-QN-MONGCAI", names_person=False)
        commander = _principal(session, personas["post_commander"])
        with pytest.raises(Forbidden, match="not a reviewer"):  # the role
            review.decide(session, _principal(session, personas["post_officer"]), held.id, True, "ok", LATER)
        workfeed.put(session, REQUEST_KIND.ref(held.id), directory.get_unit_by_code(session, "VN-LS").id,
                     Reason.SHARED, START)
        with pytest.raises(Forbidden, match="not a reviewer"):  # sees it, but does not cover the sending unit
            review.decide(session, _principal(session, personas["outsider_commander"]), held.id, True, "ok", LATER)
        with pytest.raises(InvalidInput, match="not held"):
            review.decide(session, commander, sent.id, True, "ok", LATER)
        with pytest.raises(InvalidInput, match="say why") as blank:
            review.decide(session, commander, held.id, False, "  ", LATER)
        assert blank.value.field == "note"
        assert (held.status, TIMELINE.events(session, held.id), calls) == (Status.HELD, [], [])


def test_accepting_sets_records_the_note_then_follows_and_touches_the_other_feeds(
        node: Node, personas: dict[str, Persona]) -> None:
    calls: list[tuple[Any, ...]] = []
    with node.transaction() as session:
        held = _held(session, "VN-QN-MONGCAI", START)
        province, mongcai = (directory.get_unit_by_code(session, code) for code in ("VN-QN", "VN-QN-MONGCAI"))
        for unit in (province, mongcai):
            workfeed.put(session, REQUEST_KIND.ref(held.id), unit.id, Reason.SHARED, START, unread=False)
        commander = _principal(session, personas["provincial_commander"])  # covers Móng Cái from above
        _review(calls, for_owner_unit=True).decide(session, commander, held.id, True, " Smuggling, not politics ",
                                                   LATER)
        assert calls == [("sets", held.id, LATER, []),
                         ("then", held.id, LATER, "Smuggling, not politics", ["released"])]
        [event] = TIMELINE.events(session, held.id)
        assert (event.kind, event.unit_code, TIMELINE.render(event)) == (
            "released", "VN-QN-MONGCAI", f"{commander.label}: Smuggling, not politics")  # in the sending unit's name
        assert workfeed.entry_of(session, REQUEST_KIND.ref(held.id), mongcai.id).read_at is None
        assert workfeed.entry_of(session, REQUEST_KIND.ref(held.id), province.id).read_at is not None


def test_refusing_moves_to_its_state_in_the_reviewers_own_name(node: Node, personas: dict[str, Persona]) -> None:
    calls: list[tuple[Any, ...]] = []
    with node.transaction() as session:
        held = _held(session, "VN-LC-LAOCAI", START)
        workfeed.put(session, REQUEST_KIND.ref(held.id), directory.get_unit_by_code(session, "VN-QN").id,
                     Reason.SHARED, START)
        commander = _principal(session, personas["provincial_commander"])  # any reviewer of the side
        _review(calls, for_owner_unit=False).decide(session, commander, held.id, False, "Out of scope", LATER)
        [event] = TIMELINE.events(session, held.id)
        assert (held.status, event.kind, event.unit_code) == (Status.WITHDRAWN, "withdrawn", "VN-QN")
        assert calls == []
