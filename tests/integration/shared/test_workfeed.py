"""The work feed on a real database: entries per unit and object, unread state, one row per
object across units, keyset pages, and escalation targets one tier up on both sides."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session
from tests.integration.conftest import START

from borderlink.directory import service as directory
from borderlink.shared import paging, workfeed
from borderlink.shared.workfeed import FeedEntry, ObjectRef, Reason

TYPE = "test.item"
OTHER_TYPE = "test.other"


def _unit(session: Session, code: str) -> str:
    return directory.get_unit_by_code(session, code).id


def test_put_touch_and_read_keep_one_entry_per_unit_and_object(session: Session) -> None:
    post, province = _unit(session, "VN-QN-MONGCAI"), _unit(session, "VN-QN")
    ref = ObjectRef(TYPE, "item-1")
    workfeed.put(session, ref, post, Reason.SENT, START, unread=False)
    workfeed.put(session, ref, province, Reason.ESCALATED, START, deadline=START + dt.timedelta(hours=1))
    again = workfeed.put(session, ref, post, Reason.RECEIVED, START + dt.timedelta(minutes=1), urgent=True)
    session.flush()
    assert again.reason == "sent"  # a plain reason does not replace the first one
    assert again.urgent
    assert again.unread
    assert len(workfeed.entries_of(session, ref)) == 2

    workfeed.mark_read(session, ref, post, START + dt.timedelta(minutes=2))
    workfeed.touch(session, ref, START + dt.timedelta(minutes=3), except_unit=post)
    by_unit = {e.unit_id: e for e in workfeed.entries_of(session, ref)}
    assert not by_unit[post].unread
    assert by_unit[province].unread
    assert {e.updated_at for e in by_unit.values()} == {START + dt.timedelta(minutes=3)}

    workfeed.put(session, ref, post, Reason.REFUSED, START + dt.timedelta(minutes=4))
    assert workfeed.entry_of(session, ref, post).reason == "refused"  # type: ignore[union-attr]
    workfeed.set_deadline(session, ref, START + dt.timedelta(hours=5), reasons=(Reason.ESCALATED,))
    assert by_unit[province].deadline_at == START + dt.timedelta(hours=5)
    assert by_unit[post].deadline_at is None


def test_a_listing_over_several_units_shows_each_object_once_newest_first(session: Session) -> None:
    post, province = _unit(session, "VN-QN-MONGCAI"), _unit(session, "VN-QN")
    for n in range(5):
        at = START + dt.timedelta(minutes=n)
        workfeed.put(session, ObjectRef(TYPE, f"item-{n}"), post, Reason.RECEIVED, at)
        if n % 2 == 0:  # the province holds the even ones too, changed later there
            workfeed.put(session, ObjectRef(TYPE, f"item-{n}"), province, Reason.ESCALATED,
                         at + dt.timedelta(seconds=30), unread=False)
    workfeed.put(session, ObjectRef(OTHER_TYPE, "elsewhere"), post, Reason.RECEIVED, START)
    session.flush()
    workfeed.mark_read(session, ObjectRef(TYPE, "item-1"), post, START)
    session.flush()

    units = frozenset({post, province})
    query = workfeed.latest_entries(TYPE, units)
    rows = list(session.scalars(query.order_by(*[c.desc() for c in workfeed.keyset_columns()])))
    assert [r.object_id for r in rows] == ["item-4", "item-3", "item-2", "item-1", "item-0"]
    assert rows[0].unit_id == province  # the entry changed last stands for the object
    assert workfeed.count_unread(session, TYPE, units) == 4
    assert workfeed.count_unread(session, TYPE, {province}) == 0
    assert workfeed.count_unread(session, None, {post}) == 5  # every type
    assert workfeed.count_unread(session, TYPE, units, restrict=lambda q: q.where(FeedEntry.object_id != "item-4")) == 3
    grouped = workfeed.entries_for(session, TYPE, ["item-4"], units)
    assert sorted(e.reason for e in grouped["item-4"]) == ["escalated", "received"]


def test_keyset_pages_walk_forward_and_back_without_gaps_or_repeats(session: Session) -> None:
    post = _unit(session, "VN-QN-MONGCAI")
    for n in range(7):
        # Two entries share each time, so the id has to break the tie.
        workfeed.put(session, ObjectRef(TYPE, f"item-{n}"), post, Reason.RECEIVED, START + dt.timedelta(minutes=n // 2))
    session.flush()
    key = paging.SortKey(workfeed.keyset_columns())
    query = workfeed.latest_entries(TYPE, {post})
    seen: list[str] = []
    cursor = None
    pages = []
    while True:
        page = paging.fetch_page(session, query, key, 3, cursor)
        pages.append(page)
        seen += [e.object_id for e in page.items]
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert seen == [f"item-{n}" for n in (6, 5, 4, 3, 2, 1, 0)]
    assert [len(p.items) for p in pages] == [3, 3, 1]
    assert pages[0].prev_cursor is None
    back = paging.fetch_page(session, query, key, 3, pages[2].prev_cursor)
    assert [e.object_id for e in back.items] == ["item-3", "item-2", "item-1"]
    first = paging.fetch_page(session, query, key, 3, back.prev_cursor)
    assert [e.object_id for e in first.items] == ["item-6", "item-5", "item-4"]
    assert first.prev_cursor is None
    assert first.next_cursor is not None


def test_escalation_goes_one_tier_up_on_both_sides_until_the_top(session: Session) -> None:
    ours, theirs = _unit(session, "VN-QN-MONGCAI"), _unit(session, "CN-GX-DONGXING")
    first = workfeed.escalation_targets(session, ours, theirs, 1)
    assert first.codes == ["VN-QN", "CN-GX"]
    second = workfeed.escalation_targets(session, ours, theirs, 2)
    assert second.codes == ["VN-BGC", "CN-NIA"]
    assert not second.exhausted
    assert workfeed.escalation_targets(session, ours, theirs, 3).exhausted
    assert workfeed.ancestor(session, ours, 0) is not None


def test_the_feed_across_object_types_filters_by_unread_urgent_and_due(session: Session) -> None:
    post, province = _unit(session, "VN-QN-MONGCAI"), _unit(session, "VN-QN")
    due = START + dt.timedelta(hours=2)
    workfeed.put(session, ObjectRef(TYPE, "a"), post, Reason.RECEIVED, START, urgent=True, deadline=due)
    workfeed.put(session, ObjectRef(OTHER_TYPE, "a"), post, Reason.DUE, START + dt.timedelta(minutes=1),
                 deadline=START + dt.timedelta(days=2))
    workfeed.put(session, ObjectRef(OTHER_TYPE, "b"), province, Reason.FORWARDED, START + dt.timedelta(minutes=2),
                 unread=False)
    workfeed.put(session, ObjectRef(OTHER_TYPE, "b"), post, Reason.RECEIVED, START + dt.timedelta(minutes=3),
                 unread=False)
    session.flush()
    units = {post, province}

    def keys(page: paging.Page[workfeed.FeedEntry]) -> list[tuple[str, str]]:
        return [(e.object_type, e.object_id) for e in page.items]

    everything = workfeed.feed_page(session, units, limit=10)
    assert keys(everything) == [(OTHER_TYPE, "b"), (OTHER_TYPE, "a"), (TYPE, "a")]
    assert keys(workfeed.feed_page(session, units, limit=10, unread=True)) == [(OTHER_TYPE, "a"), (TYPE, "a")]
    assert keys(workfeed.feed_page(session, units, limit=10, urgent=True)) == [(TYPE, "a")]
    assert keys(workfeed.feed_page(session, units, limit=10, due_before=START + dt.timedelta(days=1))) == [(TYPE, "a")]
    assert keys(workfeed.feed_page(session, units, limit=10, object_type=OTHER_TYPE)) == [
        (OTHER_TYPE, "b"), (OTHER_TYPE, "a")]
    first = workfeed.feed_page(session, units, limit=2)
    rest = workfeed.feed_page(session, units, limit=2, cursor=first.next_cursor)
    assert keys(first) + keys(rest) == keys(everything)
