"""Two real node processes on loopback for the exchange's end-to-end tests and benchmark."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

import httpx

from borderlink import migrate
from borderlink.config import load_settings, write_node_config
from borderlink.exchange import keys, service
from borderlink.exchange.context import bind
from borderlink.node import Node, open_node

START_TIMEOUT = 120.0  # a loaded two-core machine can take a while to import and start a node


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@dataclasses.dataclass
class NodeProcess:
    party: str
    node_dir: Path
    web_port: int
    federation_port: int
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    log: IO[bytes] | None = None

    def start(self, wait: bool = True) -> None:
        assert self.process is None or self.process.poll() is not None
        self.log = open(self.node_dir / "node.log", "ab")  # noqa: SIM115 - kept open while running
        self.process = subprocess.Popen(
            [sys.executable, "-m", "borderlink", "serve", "--node-dir", str(self.node_dir)],
            stdout=self.log, stderr=subprocess.STDOUT, env=self.env,
        )
        if wait:
            self.wait_ready()

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        assert self.process is not None
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"{self.party} node exited ({self.process.returncode}); "
                                     f"see {self.node_dir / 'node.log'}")
            with contextlib.suppress(httpx.HTTPError, OSError):
                if httpx.get(f"http://127.0.0.1:{self.web_port}/health", timeout=1.0).status_code == 200:
                    with socket.create_connection(("127.0.0.1", self.federation_port), timeout=1.0):
                        return
            time.sleep(0.1)
        raise AssertionError(f"{self.party} node did not become ready in {timeout} s")

    def kill(self) -> None:
        """SIGKILL: no clean-up, no flush, exactly like a power cut of the process."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)
        if self.log is not None:
            self.log.close()
            self.log = None

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.log is not None:
            self.log.close()
            self.log = None

    def open(self) -> Node:
        node = open_node(load_settings(self.node_dir))
        bind(node)
        return node

    def status(self) -> dict[str, int]:
        node = self.open()
        try:
            with node.transaction() as session:
                return service.outbox_status(session)
        finally:
            node.engine.dispose()

    def received(self, kind: str = "test.echo") -> dict[str, int]:
        node = self.open()
        try:
            with node.transaction() as session:
                return service.received_counts(session, kind)
        finally:
            node.engine.dispose()


def make_pair(root: Path, extra_env: dict[str, str] | None = None) -> tuple[NodeProcess, NodeProcess]:
    """Two initialised, keyed and mutually peered node directories (not yet running)."""
    env = {**os.environ, **(extra_env or {})}
    made: list[NodeProcess] = []
    for party in ("VN", "CN"):
        web, federation = free_port(), free_port()
        settings = write_node_config(root / party.lower(), party,
                                     {"listen_port": web, "federation_port": federation})
        migrate.upgrade(settings.effective_database_url)
        keys.init_keys(settings)
        made.append(NodeProcess(party, settings.node_dir, web, federation, env))
    vn, cn = made
    vn_settings, cn_settings = load_settings(vn.node_dir), load_settings(cn.node_dir)
    keys.import_peer(vn_settings, keys.export_identity(cn_settings))
    keys.import_peer(cn_settings, keys.export_identity(vn_settings))
    return vn, cn


def enqueue_echoes(node_process: NodeProcess, count: int, chunk: int = 1000) -> None:
    """Queue test envelopes from this (test) process: the running dispatcher must find them."""
    from borderlink.exchange import testtraffic

    node = node_process.open()
    try:
        remaining = count
        while remaining > 0:
            step = min(chunk, remaining)
            with node.transaction() as session:
                testtraffic.send_test(session, step)
            remaining -= step
    finally:
        node.engine.dispose()


def wait_for(predicate: Any, timeout: float, interval: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(interval)
    return bool(predicate())
