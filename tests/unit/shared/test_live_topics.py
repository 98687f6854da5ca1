"""Live push by topic: a unit's feed and one object's page each hear only their own changes."""

from __future__ import annotations

import asyncio
import threading

from borderlink.shared import live
from borderlink.shared.workfeed import ObjectRef


def test_object_and_unit_topics_reach_only_their_subscribers() -> None:
    async def scenario() -> tuple[str, bool, bool]:
        hub = live.Broadcaster()
        page = hub.subscribe([live.object_topic("hotline.request", "r1")])
        other_page = hub.subscribe([live.object_topic("hotline.request", "r2")])
        feed = hub.subscribe([live.unit_topic("u9")])
        ref = ObjectRef("hotline.request", "r1")
        thread = threading.Thread(target=hub.publish, args=(
            [live.unit_topic("u1"), live.object_topic(ref.object_type, ref.object_id)], ref.key))
        thread.start()
        thread.join()
        heard = await asyncio.wait_for(page.queue.get(), timeout=2)
        await asyncio.sleep(0.05)
        return heard, other_page.queue.empty(), feed.queue.empty()

    heard, other_empty, feed_empty = asyncio.run(scenario())
    assert ObjectRef.parse(heard) == ObjectRef("hotline.request", "r1")
    assert other_empty
    assert feed_empty


def test_the_event_stream_renders_published_messages_and_skips_what_it_does_not_show() -> None:
    async def scenario() -> list[str]:
        hub = live.Broadcaster()
        stream = live.sse_events(["t"], lambda m: None if m == "skip" else live.sse_frame("changed", m), hub=hub)
        frames = [await stream.__anext__()]
        next_frame = asyncio.ensure_future(stream.__anext__())
        await asyncio.sleep(0.01)  # the stream is subscribed once its first frame is out
        hub.publish(["t"], "skip")
        hub.publish(["t"], "x1")
        frames.append(await asyncio.wait_for(next_frame, timeout=2))
        await stream.aclose()
        return frames

    frames = asyncio.run(scenario())
    assert frames == [": connected\n\n", "event: changed\ndata: x1\n\n"]


def test_the_event_stream_keeps_the_connection_alive_when_nothing_happens() -> None:
    async def scenario() -> str:
        stream = live.sse_events(["quiet"], lambda m: m, keepalive=0.01, hub=live.Broadcaster())
        await stream.__anext__()
        frame = await stream.__anext__()
        await stream.aclose()
        return frame

    assert asyncio.run(scenario()) == ": keep-alive\n\n"


def test_object_references_round_trip_through_their_key() -> None:
    ref = ObjectRef("alerts.notice", "0190c1d2-aaaa-7bbb-8ccc-123456789abc")
    assert ObjectRef.parse(ref.key) == ref


def test_the_event_stream_ends_once_the_caller_may_no_longer_read_it() -> None:
    async def scenario() -> tuple[list[str], bool]:
        allowed = [True]

        async def still_allowed() -> bool:
            return allowed[0]

        stream = live.sse_events(["t"], lambda m: m, keepalive=0.01, hub=live.Broadcaster(),
                                 still_allowed=still_allowed)
        frames = [await stream.__anext__(), await stream.__anext__()]
        allowed[0] = False
        frames.append(await stream.__anext__())
        try:
            await stream.__anext__()
        except StopAsyncIteration:
            return frames, True
        return frames, False

    frames, ended = asyncio.run(scenario())
    assert frames == [": connected\n\n", ": keep-alive\n\n", "event: end\ndata: {}\n\n"]
    assert ended
