"""Live push to inbox pages: whoever holds a unit's stream hears about its new activity.

Changes are published after their transaction commits, from whatever thread committed them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Iterable


@dataclasses.dataclass(eq=False)
class Subscription:
    unit_ids: frozenset[str]
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[str]


class Broadcaster:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscriptions: set[Subscription] = set()

    def subscribe(self, unit_ids: Iterable[str]) -> Subscription:
        subscription = Subscription(frozenset(unit_ids), asyncio.get_running_loop(), asyncio.Queue(maxsize=1000))
        with self._lock:
            self._subscriptions.add(subscription)
        return subscription

    def unsubscribe(self, subscription: Subscription) -> None:
        with self._lock:
            self._subscriptions.discard(subscription)

    def publish(self, unit_ids: Iterable[str], request_id: str) -> None:
        targets = set(unit_ids)
        with self._lock:
            interested = [s for s in self._subscriptions if s.unit_ids & targets]
        for subscription in interested:
            try:
                subscription.loop.call_soon_threadsafe(_offer, subscription.queue, request_id)
            except RuntimeError:
                self.unsubscribe(subscription)  # its event loop has closed


def _offer(queue: asyncio.Queue[str], request_id: str) -> None:
    if not queue.full():
        queue.put_nowait(request_id)


broadcaster = Broadcaster()
