"""Exchange helpers for the end-to-end tests and the exchange benchmark, used on the nodes of
`tests.e2e.nodes` (usually bare ones: `create_pair(root, env, demo=False)`)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from tests.e2e.nodes import NodeProcess

from borderlink.config import load_settings
from borderlink.exchange import service
from borderlink.exchange.context import bind
from borderlink.node import Node, open_node


@contextlib.contextmanager
def opened(node_process: NodeProcess) -> Iterator[Node]:
    """The node's database, opened from this (test) process with its exchange context bound."""
    node = open_node(load_settings(node_process.node_dir))
    bind(node)
    try:
        yield node
    finally:
        node.engine.dispose()


def outbox_status(node_process: NodeProcess) -> dict[str, int]:
    with opened(node_process) as node, node.transaction() as session:
        return service.outbox_status(session)


def received_counts(node_process: NodeProcess, kind: str = "test.echo") -> dict[str, int]:
    with opened(node_process) as node, node.transaction() as session:
        return service.received_counts(session, kind)


def enqueue_echoes(node_process: NodeProcess, count: int, chunk: int = 1000) -> None:
    """Queue test envelopes from this (test) process: the running dispatcher must find them."""
    from borderlink.exchange import testtraffic

    with opened(node_process) as node:
        remaining = count
        while remaining > 0:
            step = min(chunk, remaining)
            with node.transaction() as session:
                testtraffic.send_test(session, step)
            remaining -= step
