from __future__ import annotations

import asyncio
import threading

from borderlink.shared.live import Broadcaster


def test_publish_from_another_thread_reaches_only_subscribers_of_that_unit() -> None:
    async def scenario() -> tuple[str, bool]:
        hub = Broadcaster()
        mine = hub.subscribe({"unit-a", "unit-b"})
        other = hub.subscribe({"unit-c"})
        thread = threading.Thread(target=hub.publish, args=(["unit-b"], "req-1"))
        thread.start()
        thread.join()
        received = await asyncio.wait_for(mine.queue.get(), timeout=2)
        await asyncio.sleep(0.05)
        hub.unsubscribe(mine)
        hub.unsubscribe(other)
        return received, other.queue.empty()

    received, other_empty = asyncio.run(scenario())
    assert received == "req-1"
    assert other_empty


def test_unsubscribed_streams_hear_nothing() -> None:
    async def scenario() -> bool:
        hub = Broadcaster()
        subscription = hub.subscribe({"unit-a"})
        hub.unsubscribe(subscription)
        hub.publish(["unit-a"], "req-2")
        await asyncio.sleep(0.05)
        return subscription.queue.empty()

    assert asyncio.run(scenario())
