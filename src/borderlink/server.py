"""`borderlink serve`: the node's web/API listener and, where configured, its other listeners,
in one process, with the node's background work. Writes DIR/node.pid while running."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
from collections.abc import Iterator

import uvicorn

from borderlink.app import create_app
from borderlink.clock import clock_from_environment
from borderlink.config import NodeSettings
from borderlink.errors import InvalidInput
from borderlink.node import Node, open_node
from borderlink.shared.health import database_problem

log = logging.getLogger("borderlink.server")

# Open live streams (server-sent events) never end by themselves; they are cut after this long.
GRACEFUL_SHUTDOWN_SECONDS = 3


class QuietServer(uvicorn.Server):
    """A uvicorn server that leaves signal handling to the node, which runs several of them."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


def prepare_node(settings: NodeSettings) -> Node:
    """A node ready to serve: every domain's message handlers and background work (the
    dispatcher among them) are installed, whoever calls this."""
    from borderlink import domains
    from borderlink.shared import static_cache

    node = open_node(settings, clock=clock_from_environment())
    static_cache.enable()
    domains.setup(node)
    return node


def listeners(node: Node) -> list[uvicorn.Server]:
    """The node's web listener and those its domains run beside it (the federation listener)."""
    from borderlink import domains

    servers = [web_server(node)]
    for factory in domains.listener_factories():
        listener = factory(node)
        if listener is not None:
            servers.append(listener)
    return servers


def web_server(node: Node) -> uvicorn.Server:
    config = uvicorn.Config(
        create_app(node),
        host=node.settings.listen_host,
        port=node.settings.listen_port,
        log_level="warning",
        lifespan="on",
        proxy_headers=False,
        server_header=False,
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_SECONDS,
    )
    return QuietServer(config)


def _claim_pid_file(node: Node) -> None:
    pid_file = node.settings.pid_file
    if pid_file.exists():
        try:
            other = int(pid_file.read_text().strip())
            os.kill(other, 0)
        except (ValueError, ProcessLookupError, PermissionError):
            pass  # a stale file left by a process that was killed
        else:
            if other != os.getpid():
                raise InvalidInput(f"the node is already running (pid {other}, {pid_file})")
    pid_file.write_text(f"{os.getpid()}\n")


async def _serve_one(server: uvicorn.Server) -> None:
    try:
        await server.serve()
    except SystemExit:
        # uvicorn exits the process when it cannot bind; stop the other listeners and say why instead.
        where = f"{server.config.host}:{server.config.port}"
        raise InvalidInput(f"cannot listen on {where} (is the port already in use?)") from None


async def _serve_all(servers: list[uvicorn.Server]) -> None:
    loop = asyncio.get_running_loop()

    def stop() -> None:
        for server in servers:
            server.should_exit = True

    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop)
    tasks = [asyncio.create_task(_serve_one(server)) for server in servers]
    done, _ = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    stop()
    await asyncio.gather(*tasks, return_exceptions=True)
    for task in done:
        if task.exception() is not None:
            raise task.exception()  # type: ignore[misc]
    if any(not server.started for server in servers):
        raise InvalidInput("a listener could not start (is the port already in use?)")


def serve(settings: NodeSettings) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    node = prepare_node(settings)
    problem = database_problem(node.engine, thorough=True)
    if problem is not None:
        node.engine.dispose()
        raise InvalidInput(f"not serving: {problem}")
    servers = listeners(node)
    # What the imports and the set-up made lives until the process exits: the collector need not
    # walk it again, neither while serving nor in its last collection at exit, which took seconds
    # (longer than a supervisor's stop timeout on a loaded machine).
    gc.freeze()
    _claim_pid_file(node)
    try:
        log.info("node %s serving on http://%s:%d", node.party, settings.listen_host, settings.listen_port)
        asyncio.run(_serve_all(servers))
    finally:
        with contextlib.suppress(FileNotFoundError):
            if node.settings.pid_file.read_text().strip() == str(os.getpid()):
                node.settings.pid_file.unlink()
        node.engine.dispose()
