"""The link's row says when the peer was last heard from, to within a few seconds, and is not
rewritten by every batch of a busy link; a link that recovers from failures is cleared at once."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import update
from tests.integration.exchange.exchange_pair import Pair

from borderlink.exchange import testtraffic
from borderlink.exchange.links import CONTACT_RESOLUTION, LINKS, heard_from, link_answered, read_link

T0 = dt.datetime(2026, 12, 4, 3, 0, tzinfo=dt.UTC)


def _link(pair: Pair, party: str = "CN") -> Any:
    with pair.vn.transaction() as session:
        return read_link(session, party)


def test_contact_is_written_when_it_would_say_something_new(pair: Pair) -> None:
    with pair.vn.transaction() as session:
        heard_from(session, "CN", T0)
    assert _link(pair).last_contact_at == T0
    with pair.vn.transaction() as session:
        heard_from(session, "CN", T0 + CONTACT_RESOLUTION / 2)
        link_answered(session, "CN", T0 + CONTACT_RESOLUTION / 2)
    assert _link(pair).last_contact_at == T0
    later = T0 + CONTACT_RESOLUTION + dt.timedelta(seconds=1)
    with pair.vn.transaction() as session:
        heard_from(session, "CN", later)
    assert _link(pair).last_contact_at == later


def test_an_answer_clears_a_failing_link_however_recent_its_contact(pair: Pair) -> None:
    with pair.vn.transaction() as session:
        heard_from(session, "CN", T0)
        session.connection().execute(update(LINKS).where(LINKS.c.party == "CN").values(
            consecutive_failures=3, retry_at=T0 + dt.timedelta(minutes=1), last_error="peer unreachable"))
    answered = T0 + dt.timedelta(seconds=1)
    with pair.vn.transaction() as session:
        link_answered(session, "CN", answered)
    link = _link(pair)
    assert (link.consecutive_failures, link.retry_at, link.last_contact_at) == (0, None, answered)


def test_both_directions_of_real_traffic_note_the_contact(pair: Pair) -> None:
    with pair.vn.transaction() as session:
        testtraffic.send_test(session, 2)
    assert pair.drain() == 2
    assert _link(pair).last_contact_at is not None
    with pair.cn.transaction() as session:
        assert read_link(session, "VN").last_contact_at is not None
