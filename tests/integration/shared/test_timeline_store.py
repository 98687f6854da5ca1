"""One timeline table for every object type: recorded once, listed in the order things happened,
and a state derived from what was seen, whatever order it arrived in."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy.orm import Session

from borderlink.hotline.models import LIFECYCLE as REQUEST_LIFECYCLE
from borderlink.ids import new_id
from borderlink.shared.timeline import Detail, EventKind, Timeline

T0 = dt.datetime(2026, 3, 1, 8, 0, tzinfo=dt.UTC)
THINGS = Timeline("tests.thing", kinds=[EventKind(kind) for kind in REQUEST_LIFECYCLE.events])


def test_events_recorded_out_of_order_are_listed_in_time_order_and_give_the_right_state(session: Session) -> None:
    object_id = new_id()
    steps = [("sent", 0), ("delivered", 1), ("acknowledged", 2), ("answered", 3), ("closed", 4)]
    arrivals = steps[:]
    random.Random(7).shuffle(arrivals)
    assert arrivals != steps
    state = ""
    for kind, minute in arrivals:
        THINGS.record(session, object_id, kind, T0 + dt.timedelta(minutes=minute), "VN", None)
        state = REQUEST_LIFECYCLE.advance(state, kind)
    session.flush()
    listed = THINGS.events(session, object_id)
    assert [e.kind for e in listed] == [kind for kind, _ in steps]
    assert state == REQUEST_LIFECYCLE.state_from(e.kind for e in listed) == "closed"


def test_an_event_recorded_twice_is_kept_once(session: Session) -> None:
    object_id, event_id = new_id(), new_id()
    first = THINGS.record(session, object_id, "shared", T0, "VN", "VN-QN", Detail.text("a@VN-QN"), event_id)
    session.flush()
    again = THINGS.record(session, object_id, "shared", T0, "VN", "VN-QN", Detail.text("a@VN-QN"), event_id)
    assert first is not None
    assert again is None
    assert len(THINGS.events(session, object_id)) == 1


def test_timelines_of_different_object_types_do_not_mix(session: Session) -> None:
    object_id = new_id()
    others = Timeline("tests.other", kinds=[EventKind("sent")])
    THINGS.record(session, object_id, "sent", T0, "VN", None)
    others.record(session, object_id, "sent", T0, "VN", None)
    session.flush()
    assert len(THINGS.events(session, object_id)) == len(others.events(session, object_id)) == 1
