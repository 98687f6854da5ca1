"""Two real national nodes on loopback for end-to-end tests and benchmarks.

`NodeProcess` starts, waits for, stops and kills one `python -m borderlink serve` process.
`create_pair(root)` sets up `root/vn` and `root/cn` the way `borderlink demo` does (migrated
database, reference directory, demo accounts, keys, each trusting the other) but on free ports,
and makes an API token for every demo account; `create_pair(root, demo=False)` sets up bare nodes
instead (configuration, migrated database, keys and peering only). Each database starts as a copy
of the run's migrated template (tests/support/databases.py). `running_pair(root)` also
starts both demo nodes and stops them when the block ends, whatever happened. `SseReader` follows
a server-sent event stream in a thread and timestamps each event; `poll` waits for a condition.

A node process is `python -m borderlink serve` in a fresh interpreter, or, with `preloaded=True`,
the same command in a process forked from a server that has imported BorderLink once
(tests/e2e/preloaded.py): its start then skips the imports, most of a start on a loaded machine.
Either way it is a process of its own (pid, session, environment, log), stopped by SIGTERM, with
its exit code.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import httpx
from tests.e2e.preloaded import PreloadedProcess, fork_server
from tests.support.databases import migrated_postgres_database, migrated_sqlite_file

PARTIES = ("VN", "CN")
PairFactory = Callable[..., "NodePair"]  # the e2e `node_pair_factory` fixture
START_TIMEOUT = 120.0  # a cold interpreter on a loaded two-core machine takes a while to start


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


@contextlib.contextmanager
def _cheap_password_hashing() -> Iterator[None]:
    """Demo accounts are only used through API tokens here; hashing their passwords at full argon2
    cost would only slow the set-up down. The hashes stay valid argon2id hashes."""
    from argon2 import PasswordHasher

    from borderlink.directory import accounts

    saved = accounts._hasher
    accounts._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    try:
        yield
    finally:
        accounts._hasher = saved


def _tokens(node_dir: Path) -> dict[str, str]:
    """An API token for every account of the node, by username."""
    from sqlalchemy import select

    from borderlink.config import load_settings
    from borderlink.directory import accounts
    from borderlink.directory.models import User
    from borderlink.node import open_node

    node = open_node(load_settings(node_dir))
    try:
        with node.transaction() as session:
            made = {}
            for user in session.scalars(select(User)):
                _, secret = accounts.create_token(session, user, "e2e", node.clock.now())
                made[user.username] = secret
            return made
    finally:
        node.engine.dispose()


def another_process(first: NodeProcess, number: int = 2) -> NodeProcess:
    """Another `serve` process of `first`'s node (its directory copied: same keys, secret and
    database) on ports of its own, as a second machine behind a load balancer would run it. Only
    useful on PostgreSQL, where several processes share one database."""
    import shutil

    copy = first.node_dir.with_name(f"{first.node_dir.name}-{number}")
    shutil.rmtree(copy, ignore_errors=True)
    shutil.copytree(first.node_dir, copy, ignore=shutil.ignore_patterns("node.log", "node.pid"))
    listen_port, federation_port = free_port(), free_port()
    env = {**first.env, "BORDERLINK_LISTEN_PORT": str(listen_port), "BORDERLINK_FEDERATION_PORT": str(federation_port)}
    return NodeProcess(first.party, copy, listen_port, federation_port, dict(first.tokens), env, first.preloaded)


@dataclasses.dataclass
class NodeProcess:
    """One node directory and, while started, its `borderlink serve` process."""

    party: str
    node_dir: Path
    listen_port: int
    federation_port: int
    tokens: dict[str, str] = dataclasses.field(default_factory=dict)
    env: dict[str, str] = dataclasses.field(default_factory=dict)
    preloaded: bool = False  # started from the fork server (see the module) instead of a fresh interpreter
    process: subprocess.Popen[bytes] | PreloadedProcess | None = None
    starts: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.listen_port}"

    @property
    def log_path(self) -> Path:
        return self.node_dir / "node.log"

    def headers(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def client(self, username: str, timeout: float = 10.0) -> httpx.Client:
        """An API client acting as `username` (close it, or use it in a with block)."""
        # Drop idle connections before the server does (uvicorn: 5 s), so a request never goes out
        # on a connection the server is closing at that moment.
        return httpx.Client(base_url=self.url, headers=self.headers(username), timeout=timeout,
                            limits=httpx.Limits(keepalive_expiry=2.0))

    def start(self, *, wait: bool = False) -> None:
        """Start the process; with `wait`, also wait until it is ready (see `wait_ready`)."""
        if self.running:
            raise RuntimeError(f"the {self.party} node is already running")
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONFAULTHANDLER": "1", **self.env}
        self.starts += 1
        with self.log_path.open("ab") as log:
            log.write(f"\n=== start {self.starts} ===\n".encode())
            log.flush()
            if self.preloaded:
                self.process = PreloadedProcess(self.node_dir, env, self.log_path)
            else:
                self.process = subprocess.Popen(
                    [sys.executable, "-m", "borderlink", "serve", "--node-dir", str(self.node_dir)],
                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env,
                    start_new_session=True,
                )
        if wait:
            self.wait_ready()

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_ready(self, timeout: float = START_TIMEOUT) -> None:
        """Until /health answers and the federation port accepts connections."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running:
                raise RuntimeError(f"the {self.party} node exited during start-up:\n{self.log_tail()}")
            with contextlib.suppress(httpx.HTTPError):
                if (httpx.get(f"{self.url}/health", timeout=1.0).status_code == 200
                        and _port_open(self.federation_port)):
                    return
            time.sleep(0.1)
        raise RuntimeError(f"the {self.party} node was not ready within {timeout:.0f} s:\n{self.log_tail()}")

    def signal_stop(self, *, kill: bool = False) -> None:
        """Send SIGTERM (or SIGKILL) without waiting (see `stop`)."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.process.pid, signal.SIGKILL if kill else signal.SIGTERM)

    def stop(self, *, kill: bool = False, timeout: float = 15.0) -> int | None:
        """SIGTERM (or SIGKILL) the process and wait for it; returns its exit code."""
        process = self.process
        if process is None:
            return None
        if process.poll() is None:
            self.signal_stop(kill=kill)
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                print(f"the {self.party} node did not stop within {timeout:.0f} s of SIGTERM; its threads' "
                      f"stacks are in {self.log_path}", file=sys.stderr)
                process.send_signal(signal.SIGABRT)  # with PYTHONFAULTHANDLER: dump every thread's stack
                try:
                    process.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=timeout)
        self.process = None
        return process.returncode

    def log_tail(self, lines: int = 40) -> str:
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return "(no log)"


@dataclasses.dataclass
class NodePair:
    vn: NodeProcess
    cn: NodeProcess
    database_url: str | None = None  # the PostgreSQL server's base URL, when not on SQLite
    databases: dict[str, str] = dataclasses.field(default_factory=dict)  # party -> its database URL

    def second_process(self, party: str) -> NodeProcess:
        """Another `serve` process of the same node; see `another_process`."""
        return another_process(self[party])

    def drop_databases(self) -> None:
        if self.database_url and self.databases:
            drop_databases(self.database_url, self.databases)

    def __getitem__(self, party: str) -> NodeProcess:
        return self.vn if party == "VN" else self.cn

    @property
    def nodes(self) -> tuple[NodeProcess, NodeProcess]:
        return self.vn, self.cn

    def start(self) -> None:
        for node in self.nodes:  # both import at once; then wait for each
            node.start()
        for node in self.nodes:
            node.wait_ready()

    def stop(self) -> None:
        for node in self.nodes:  # both shut down at once
            node.signal_stop()
        for node in self.nodes:
            node.stop()


def _demo_node_dir(root: Path, party: str, listen_port: int, federation_port: int, database_url: str) -> Path:
    from borderlink.demo import DemoNode, prepare_node_dir

    if not database_url:  # the demo's set-up finds its SQLite file migrated already
        migrated_sqlite_file(root / party.lower() / "borderlink.db")
    return prepare_node_dir(root, DemoNode(party, party.lower(), listen_port, federation_port, database_url))


def _bare_node_dir(root: Path, party: str, listen_port: int, federation_port: int, database_url: str) -> Path:
    from borderlink.config import write_node_config

    settings = write_node_config(root / party.lower(), party, {
        "listen_port": listen_port, "federation_port": federation_port,
        **({"database_url": database_url} if database_url else {})})
    if not database_url:
        migrated_sqlite_file(settings.node_dir / "borderlink.db")
    return settings.node_dir


def database_name_for(base_url: str, root: Path, party: str) -> str:
    """A database name of this run's own for one node: the base URL's database name, the node
    root's folder name and the party (PostgreSQL names are at most 63 bytes)."""
    from sqlalchemy.engine import make_url

    base = make_url(base_url).database or "borderlink"
    tag = "".join(ch if ch.isalnum() else "_" for ch in root.name.lower())[-24:]
    return f"{base}_{tag}_{os.getpid()}_{party.lower()}"[-63:]


def create_databases(base_url: str, root: Path) -> dict[str, str]:
    """A migrated PostgreSQL database per party, next to `base_url`'s (dropped first if left over),
    copied from the run's template (tests/support/databases.py); returns their URLs.
    `drop_databases` removes them."""
    return {party: migrated_postgres_database(base_url, database_name_for(base_url, root, party))
            for party in PARTIES}


def drop_databases(base_url: str, urls: Mapping[str, str]) -> None:
    from sqlalchemy import text
    from sqlalchemy.engine import make_url

    from borderlink.db import make_engine

    admin = make_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            for url in urls.values():
                connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    finally:
        admin.dispose()


def create_pair(root: Path, env: Mapping[str, str] | None = None, *, demo: bool = True,
                database_url: str | None = None, preloaded: bool = False) -> NodePair:
    """Set up the two nodes under `root` on free ports, keyed and trusting each other (not yet
    running): the demo nodes with their API tokens, or with `demo=False` bare nodes without
    reference data or accounts. `env` is added to each node's environment when it starts. With
    `database_url` (PostgreSQL) each node gets a new database of its own beside that one, named
    after `root` (see `create_databases`; `NodePair.databases` lists them). With `preloaded` the
    nodes start from the fork server (see the module)."""
    from borderlink.exchange.setup import peer_each_other

    if preloaded:
        fork_server()  # it imports BorderLink while the nodes are set up here
    prepare = _demo_node_dir if demo else _bare_node_dir
    ports = {party: (free_port(), free_port()) for party in PARTIES}
    databases = create_databases(database_url, root) if database_url else {}
    with _cheap_password_hashing():
        dirs = {party: prepare(root, party, *ports[party], databases.get(party, "")) for party in PARTIES}
        # Each node's exported identity carries its federation URL, so peering comes after the
        # ports are chosen.
        peer_each_other(dirs["VN"], dirs["CN"])
    made = {party: NodeProcess(party, dirs[party], *ports[party], _tokens(dirs[party]) if demo else {},
                               dict(env or {}), preloaded)
            for party in PARTIES}
    return NodePair(made["VN"], made["CN"], database_url, databases)


@contextlib.contextmanager
def running_pair(root: Path, env: Mapping[str, str] | None = None,
                 database_url: str | None = None, *, preloaded: bool = False) -> Iterator[NodePair]:
    """Both nodes serving (on SQLite, or each on a database of its own beside `database_url`);
    both stopped, and their databases dropped, at the end of the block, even on failure."""
    pair = create_pair(root, env, database_url=database_url, preloaded=preloaded)
    try:
        pair.start()
        yield pair
    finally:
        pair.stop()
        pair.drop_databases()


# --- server-sent events ----------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class SseEvent:
    event: str
    data: Any  # parsed JSON when the data is JSON, else the text
    received: float  # time.perf_counter() when its last line arrived
    wall: float  # time.time() at the same moment, to compare with the nodes' timestamps


class SseReader:
    """Reads one server-sent event stream in a daemon thread.

    Events go to `events` (a queue) and, for `request` events, `first_seen[request_id]` keeps the
    perf_counter time the id was first announced. Use as a context manager: entering waits until
    the server has confirmed the subscription (its `: connected` comment).
    """

    def __init__(self, url: str, headers: Mapping[str, str], connect_timeout: float = 30.0) -> None:
        self.url = url
        self.headers = dict(headers)
        self.connect_timeout = connect_timeout
        self.events: queue.Queue[SseEvent] = queue.Queue()
        self.first_seen: dict[str, float] = {}
        self.first_seen_wall: dict[str, float] = {}
        self.error: BaseException | None = None
        self._connected = threading.Event()
        self._stop = threading.Event()
        self._socket: socket.socket | None = None
        self._client = httpx.Client(timeout=httpx.Timeout(connect_timeout, read=None))
        self._thread = threading.Thread(target=self._run, name="sse-reader", daemon=True)

    def __enter__(self) -> SseReader:
        self._thread.start()
        if not self._connected.wait(self.connect_timeout):
            self.close()
            raise RuntimeError(f"no SSE subscription on {self.url}: {self.error!r}")
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        if self._socket is not None:  # unblocks the reading thread at once
            with contextlib.suppress(OSError):
                self._socket.shutdown(socket.SHUT_RDWR)
        self._thread.join(timeout=5)
        self._client.close()

    def _run(self) -> None:
        try:
            with self._client.stream("GET", self.url, headers=self.headers) as response:
                if response.status_code != 200:
                    raise RuntimeError(f"SSE stream answered HTTP {response.status_code}")
                stream = response.extensions.get("network_stream")
                self._socket = stream.get_extra_info("socket") if stream is not None else None
                event, data = "message", []
                for line in response.iter_lines():
                    if self._stop.is_set():
                        return
                    if line.startswith(":"):
                        if line.startswith(": connected"):
                            self._connected.set()
                        continue
                    if line:
                        field, _, value = line.partition(":")
                        value = value[1:] if value.startswith(" ") else value
                        if field == "event":
                            event = value
                        elif field == "data":
                            data.append(value)
                        continue
                    if data:
                        self._dispatch(event, "\n".join(data))
                    event, data = "message", []
        except BaseException as exc:
            if not self._stop.is_set():
                self.error = exc

    def _dispatch(self, event: str, text: str) -> None:
        now, wall = time.perf_counter(), time.time()
        try:
            data: Any = json.loads(text)
        except ValueError:
            data = text
        if event == "request" and isinstance(data, dict) and "request_id" in data:
            self.first_seen.setdefault(str(data["request_id"]), now)
            self.first_seen_wall.setdefault(str(data["request_id"]), wall)
        self.events.put(SseEvent(event, data, now, wall))

    def wait_for_request(self, request_id: str, timeout: float) -> SseEvent:
        """The next `request` event naming `request_id` (earlier events for others are skipped)."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no request event for {request_id} within {timeout} s "
                                   f"(stream error: {self.error!r})")
            try:
                item = self.events.get(timeout=min(remaining, 0.2))
            except queue.Empty:
                continue
            if item.event == "request" and isinstance(item.data, dict) and item.data.get("request_id") == request_id:
                return item


def poll(check: Any, timeout: float, interval: float = 0.1, message: str = "condition") -> Any:
    """Call `check()` until it returns something truthy, or fail after `timeout` seconds with the
    last value seen."""
    deadline = time.monotonic() + timeout
    last: Any = None
    while True:
        last = check()
        if last:
            return last
        if time.monotonic() >= deadline:
            raise AssertionError(f"{message}: not met within {timeout} s (last: {last!r})")
        time.sleep(interval)
