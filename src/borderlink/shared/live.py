"""Live push: whoever holds a stream on a topic hears about each change published on it.

Topics are plain strings: a unit's work feed (`unit_topic`) or one object (`object_topic`), so an
inbox page and an open detail page each follow exactly what they show. Changes are published after
their transaction commits, from whatever thread committed them; each subscriber has its own queue
on its own event loop, and a full queue drops the notice (the page re-reads anyway).
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable

from sqlalchemy.orm import Session

from borderlink.db import on_commit

QUEUE_SIZE = 1000
StillAllowed = Callable[[], Awaitable[bool]]
Render = Callable[[str], str | None]  # a published message -> an SSE frame, or None to skip it


def unit_topic(unit_id: str) -> str:
    return f"unit:{unit_id}"


def object_topic(object_type: str, object_id: str) -> str:
    return f"object:{object_type}:{object_id}"


@dataclasses.dataclass(eq=False)
class Subscription:
    topics: frozenset[str]
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[str]


class Broadcaster:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscriptions: set[Subscription] = set()

    def subscribe(self, topics: Iterable[str]) -> Subscription:
        """Follow the topics; call from the event loop that will read the queue."""
        subscription = Subscription(frozenset(topics), asyncio.get_running_loop(), asyncio.Queue(maxsize=QUEUE_SIZE))
        with self._lock:
            self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            self._subscriptions.discard(subscription)

    def publish(self, topics: Iterable[str], message: str) -> None:
        """Hand `message` to every subscription on any of the topics (thread-safe)."""
        targets = set(topics)
        with self._lock:
            interested = [s for s in self._subscriptions if s.topics & targets]
        for subscription in interested:
            try:
                subscription.loop.call_soon_threadsafe(_offer, subscription.queue, message)
            except RuntimeError:
                self.unsubscribe(subscription)  # its event loop has closed


def _offer(queue: asyncio.Queue[str], message: str) -> None:
    if not queue.full():
        queue.put_nowait(message)


broadcaster = Broadcaster()


def publish_after_commit(session: Session, topics: Iterable[str], message: str) -> None:
    """Publish once the session's transaction commits; nothing is heard of a rolled-back change."""
    chosen = list(topics)
    on_commit(session, lambda: broadcaster.publish(chosen, message))


async def sse_events(topics: Iterable[str], render: Render, *,
                     keepalive: float = 15.0, hub: Broadcaster | None = None,
                     still_allowed: StillAllowed | None = None) -> AsyncGenerator[str, None]:
    """A server-sent-events body: one frame per published message that `render` turns into an
    event (None skips it), and a comment line every `keepalive` seconds so proxies keep it open.
    With `still_allowed`, the caller's right is checked again at every event and keep-alive: a
    stream must not outlive the right to read it (it ends with an `end` event)."""
    source = hub or broadcaster
    subscription = source.subscribe(topics)
    try:
        yield ": connected\n\n"
        while True:
            try:
                message: str | None = await asyncio.wait_for(subscription.queue.get(), timeout=keepalive)
            except TimeoutError:
                message = None
            if still_allowed is not None and not await still_allowed():
                yield sse_frame("end", "{}")
                return
            if message is None:
                yield ": keep-alive\n\n"
                continue
            frame = render(message)
            if frame is not None:
                yield frame
    finally:
        source.unsubscribe(subscription)


def sse_frame(event: str, data: str) -> str:
    return f"event: {event}\ndata: {data}\n\n"
