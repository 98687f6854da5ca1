"""`make demo`: two national nodes on this machine, seeded with the demo directory and accounts."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
from sqlalchemy import select

from borderlink import migrate
from borderlink.config import CONFIG_FILE, load_settings, write_node_config
from borderlink.directory import accounts
from borderlink.directory import service as directory
from borderlink.directory.models import User
from borderlink.node import open_node
from borderlink.shared.demo_seed import run_seeds


@dataclasses.dataclass(frozen=True)
class DemoNode:
    party: str
    folder: str
    listen_port: int
    federation_port: int
    database_url: str = ""  # empty: the node directory's own SQLite file


DEMO_NODES = (DemoNode("VN", "vn", 8701, 8711), DemoNode("CN", "cn", 8702, 8712))


def demo_nodes(base_port: int | None = None) -> tuple[DemoNode, ...]:
    """The two demo nodes. With `base_port`, VN listens on it and CN on the next port, and their
    federation listeners ten above (like the defaults 8701/8702 and 8711/8712). Ports are written
    when the demo directories are first created."""
    if base_port is None:
        return DEMO_NODES
    return tuple(
        dataclasses.replace(spec, listen_port=base_port + offset, federation_port=base_port + 10 + offset)
        for offset, spec in enumerate(DEMO_NODES)
    )

def node_steps() -> list[Callable[[Path], object]]:
    """What the domains set up in a new node directory (e.g. its keys), as `borderlink init` does."""
    from borderlink.cli.node_commands import init_steps

    return init_steps()


def pair_steps() -> list[Callable[[Path, Path], object]]:
    """Steps that need both node directories at once (e.g. trusting each other's keys)."""
    from borderlink import domains

    return [step for domain in domains.DOMAINS for step in domain.demo_pair_steps]


def seed_node(node_dir: Path) -> list[str]:
    """The demo content of every domain (its descriptor's demo seed) on one node, once; returns
    the domains seeded now."""
    from borderlink import domains

    node = open_node(load_settings(node_dir))
    domains.setup(node)  # set up as a serving node is (e.g. bound to its exchange); nothing runs yet
    try:
        return run_seeds(node, node_dir, ((domain.name, domain.demo_seed) for domain in domains.DOMAINS
                                          if domain.demo_seed is not None))
    finally:
        node.engine.dispose()


def prepare_node_dir(root: Path, spec: DemoNode) -> Path:
    node_dir = root / spec.folder
    if not (node_dir / CONFIG_FILE).exists():
        write_node_config(node_dir, spec.party, {
            "listen_port": spec.listen_port, "federation_port": spec.federation_port,
            **({"database_url": spec.database_url} if spec.database_url else {}),
        })
        for step in node_steps():
            step(node_dir)
    settings = load_settings(node_dir)
    migrate.upgrade(settings.effective_database_url)
    node = open_node(settings)
    try:
        with node.transaction() as session:
            directory.load_reference_data(session, spec.party)
            seed_demo_accounts(session, spec.party, node.clock.now())
    finally:
        node.engine.dispose()
    return node_dir


def seed_demo_accounts(session: object, party: str, now: object) -> int:
    from sqlalchemy.orm import Session

    assert isinstance(session, Session)
    data = directory.demo_accounts()
    existing = set(session.scalars(select(User.username)))
    created = 0
    for item in data[party]:
        if item["username"] in existing:
            continue
        accounts.create_user(
            session, username=item["username"], password=data["password"], unit_code=item["unit"],
            role=item["role"], display_name=item["display_name"], now=now,  # type: ignore[arg-type]
        )
        created += 1
    return created


def _wait_healthy(url: str, process: subprocess.Popen[bytes], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/health", timeout=1.0).status_code == 200:
                return True
        time.sleep(0.2)
    return False


def _stop(node_dir: Path, process: subprocess.Popen[bytes]) -> None:
    pids = {process.pid}
    with contextlib.suppress(OSError, ValueError):
        pids.add(int((node_dir / "node.pid").read_text().strip()))
    for pid in pids:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=15)
    if process.poll() is None:
        process.kill()


def run_demo(root: Path, serve: bool = True, base_port: int | None = None) -> int:
    root.mkdir(parents=True, exist_ok=True)
    dirs = [prepare_node_dir(root, spec) for spec in demo_nodes(base_port)]
    # Directories made by an earlier run keep their ports: wait for and print those.
    specs = tuple(
        dataclasses.replace(spec, listen_port=settings.listen_port, federation_port=settings.federation_port)
        for spec, settings in zip(DEMO_NODES, (load_settings(node_dir) for node_dir in dirs), strict=True)
    )
    for step in pair_steps():
        step(dirs[0], dirs[1])
    for node_dir in dirs:
        seed_node(node_dir)
    print(f"demo nodes ready in {root}", flush=True)
    if not serve:
        return 0
    # Ctrl-C and SIGTERM both stop the two nodes cleanly, even where the shell started this
    # process with interrupts ignored (as it does for background jobs).
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, _interrupt)
    processes: list[subprocess.Popen[bytes]] = []
    try:
        for node_dir in dirs:
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "borderlink", "serve", "--node-dir", str(node_dir)],
                stdout=open(node_dir / "node.log", "ab"), stderr=subprocess.STDOUT,  # noqa: SIM115
            ))
        for spec, process in zip(specs, processes, strict=True):
            url = f"http://127.0.0.1:{spec.listen_port}"
            if not _wait_healthy(url, process):
                print(f"the {spec.party} node did not start; see {root / spec.folder / 'node.log'}", file=sys.stderr)
                return 1
        _print_banner(root, specs)
        while True:
            time.sleep(1)
            for spec, process in zip(specs, processes, strict=True):
                code = process.poll()
                if code is not None and not getattr(process, "reported", False):
                    print(f"the {spec.party} node stopped (exit {code}); restart it with "
                          f"'borderlink serve --node-dir {root / spec.folder}'", file=sys.stderr)
                    process.reported = True  # type: ignore[attr-defined]
    except KeyboardInterrupt:
        print("\nstopping both nodes ...", flush=True)
        return 0
    finally:
        for node_dir, process in zip(dirs, processes, strict=False):
            _stop(node_dir, process)


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def _print_banner(root: Path, specs: tuple[DemoNode, ...] = DEMO_NODES) -> None:
    password = directory.demo_accounts()["password"]
    lines = ["", "BorderLink demo is running:"]
    for spec in specs:
        lines.append(f"  {spec.party} node: http://127.0.0.1:{spec.listen_port}   "
                     f"(federation https://127.0.0.1:{spec.federation_port})")
    lines.append("")
    lines.append(f"Demo logins (password for all: {password}):")
    for spec in specs:
        users = directory.demo_accounts()[spec.party]
        lines.append(f"  {spec.party}: " + ", ".join(f"{u['username']} ({u['role']})" for u in users))
    lines.append("")
    lines.append(f"Logs: {root}/vn/node.log and {root}/cn/node.log. Press Ctrl-C to stop both nodes.")
    print("\n".join(lines), flush=True)
