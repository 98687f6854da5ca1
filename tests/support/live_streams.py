"""Listening to a live stream in a test: subscribe, act, and take what the stream says next."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from typing import Any


def frames_after(stream: AsyncIterator[Any], action: Callable[[], object], *, timeout: float = 5) -> list[str]:
    """Take the stream's greeting (it is subscribed from then on), run `action` (blocking) in a
    thread, and return the frame heard within `timeout` seconds of it."""

    async def scenario() -> list[str]:
        assert await stream.__anext__() == ": connected\n\n"
        heard: list[str] = []
        waiting = asyncio.ensure_future(stream.__anext__())
        await asyncio.to_thread(action)
        try:
            heard.append(await asyncio.wait_for(waiting, timeout=timeout))
        finally:
            await stream.aclose()  # type: ignore[attr-defined]
        return heard

    return asyncio.run(scenario())
