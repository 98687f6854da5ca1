"""Two national nodes in one process, each with its own migrated database and keys, exchanging
real signed envelopes through the exchange's in-process transport; tests deliver what is in flight
with `pair.pump()` and move both nodes' clock together.

A domain's tests use the `pair` and `clients` fixtures (tests/conftest.py offers them everywhere),
`token_headers` for the API and `browser` for the pages. Each node gets its personas from the one
table (tests/support/personas.py). A suite that needs databases of its own (to run beside the
others in one session) calls `open_pair` from a fixture of its own with another `tag`.

`shared_node_pairs` is the other harness's: pairs of real node processes (tests/e2e/nodes.py)
that the end-to-end and browser tests share for the whole run (see `SharedPairs`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import re
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from tests.conftest import postgres_url
from tests.support.personas import PASSWORD, PersonaSpec, on

from borderlink import domains, migrate
from borderlink.app import create_app
from borderlink.clock import ManualClock
from borderlink.config import load_settings, write_node_config
from borderlink.db import make_engine, normalise_url
from borderlink.directory import accounts
from borderlink.directory import service as directory
from borderlink.directory.permissions import Principal
from borderlink.exchange import service as exchange
from borderlink.exchange.context import bind
from borderlink.exchange.dispatcher import Dispatcher
from borderlink.exchange.models import StoredReceipt
from borderlink.exchange.setup import peer_each_other
from borderlink.exchange.transport import InProcessTransport
from borderlink.model_registry import Base
from borderlink.node import Node, open_node

if TYPE_CHECKING:
    from tests.e2e.nodes import NodePair

START = dt.datetime(2026, 11, 2, 3, 0, tzinfo=dt.UTC)
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]
PARTIES = ("VN", "CN")
# The personas each node of the pair has (tests/support/personas.py).
TWO_NODE_PERSONAS = ("post_officer", "post_commander", "post_viewer", "provincial_commander", "liaison_analyst",
                     "vn_admin", "outsider", "cn_post_officer", "cn_provincial_commander", "cn_central_analyst",
                     "cn_outsider")


@dataclasses.dataclass
class Pair:
    vn: Node
    cn: Node
    clock: ManualClock

    def node(self, party: str) -> Node:
        return self.vn if party == "VN" else self.cn

    def pump(self, rounds: int = 20) -> int:
        """Deliver everything both ways until nothing is left in flight; returns envelopes moved."""
        moved = 0
        for _ in range(rounds):
            step = 0
            for sender, receiver in ((self.vn, self.cn), (self.cn, self.vn)):
                dispatcher = Dispatcher(sender, InProcessTransport(receiver))
                result = dispatcher.cycle()
                step += result.receipted
            moved += step
            if step == 0:
                return moved
        raise AssertionError("messages still in flight after many rounds")

    def principal(self, party: str, username: str) -> Principal:
        node = self.node(party)
        with node.transaction() as session:
            user = accounts.find_user(session, username)
            return accounts.principal_for(session, user, default_timezone=node.settings.timezone)

    def session(self, party: str) -> Iterator[Session]:
        with self.node(party).transaction() as session:
            yield session

    def forge(self, kind: str, body: dict[str, Any], *, stream: str, sender_unit: str,
              recipient_unit: str) -> StoredReceipt:
        """CN sends `body` to VN through its own outbox, signed with its real key, as a forger on
        the other side would; VN's receipt, once it has come back."""
        with self.cn.transaction() as session:
            envelope_id = exchange.enqueue(session, kind=kind, body=body, sender_unit=sender_unit,
                                           recipient_unit=recipient_unit, stream=stream)
        self.pump()
        with self.cn.transaction() as session:
            receipt = session.get(StoredReceipt, envelope_id)
            assert receipt is not None
            session.expunge(receipt)
        return receipt


def migrated_template(folder: Path) -> Path:
    """One migrated SQLite file, copied for every node of every test (migrating is the slow part)."""
    path = folder / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


def postgres_databases(tag: str) -> Iterator[dict[str, str]]:
    """A migrated PostgreSQL database per party, made once per session (tests empty them instead
    of migrating), beside BORDERLINK_TEST_DATABASE_URL's. Names carry `tag` and the process id,
    so two suites or two test runs on one server never drop each other's."""
    base = postgres_url()
    if base is None:
        pytest.skip("PostgreSQL tests are off (set BORDERLINK_TEST_DATABASE_URL)")
    urls = {}
    names = []
    admin = make_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for party in ("vn", "cn"):
            name = f"borderlink_{tag}_{party}_{os.getpid()}"
            names.append(name)
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
            url = make_url(normalise_url(base)).set(database=name).render_as_string(hide_password=False)
            migrate.upgrade(url)
            urls[party.upper()] = url
    yield urls
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def empty(url: str) -> None:
    """Every table of a PostgreSQL node database emptied and its sequences restarted (faster than
    migrating it again). DELETE, dependent tables first: on the few rows a test leaves it is several
    times faster than TRUNCATE, which makes new files for every table and index."""
    engine = make_engine(url)
    with engine.begin() as conn:
        for table in reversed(Base.metadata.sorted_tables):
            conn.execute(text(f'DELETE FROM "{table.name}"'))
        for (sequence,) in conn.execute(text(
                "SELECT sequencename FROM pg_sequences WHERE schemaname = current_schema()")).all():
            conn.execute(text(f'ALTER SEQUENCE "{sequence}" RESTART'))
    engine.dispose()


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="session")
def postgres_node_databases() -> Iterator[dict[str, str]]:
    yield from postgres_databases("hotline")


def open_pair(tmp_path: Path, *, template: Path | None, postgres: dict[str, str] | None,
              personas: Sequence[PersonaSpec] | None = None, ports: tuple[int, int] = (18711, 18712)) -> Pair:
    """Both nodes, keyed and trusting each other, with the directory and their personas: on copies
    of the SQLite `template`, or on the emptied PostgreSQL databases `postgres` (by party)."""
    clock = ManualClock(START)
    folders = {}
    for party, port in zip(PARTIES, ports, strict=True):
        folder = tmp_path / party.lower()
        if postgres is None:
            assert template is not None
            write_node_config(folder, party, {"federation_port": port})
            shutil.copy(template, folder / "borderlink.db")
        else:
            write_node_config(folder, party, {"federation_port": port, "database_url": postgres[party]})
            empty(postgres[party])
        folders[party] = folder
    peer_each_other(folders["VN"], folders["CN"])
    opened = {party: open_node(load_settings(folder), clock=clock) for party, folder in folders.items()}
    domains.register_message_handlers()
    chosen = list(personas) if personas is not None else [p for party in PARTIES for p in on(party, TWO_NODE_PERSONAS)]
    for party, node in opened.items():
        bind(node)
        with node.transaction() as session:
            directory.load_reference_data(session, party)
            for persona in (p for p in chosen if p.party == party):
                accounts.create_user(session, username=persona.username, password=PASSWORD,
                                     unit_code=persona.unit_code, role=persona.role, display_name=persona.username,
                                     now=clock.now())
    return Pair(opened["VN"], opened["CN"], clock)


@pytest.fixture(params=BACKENDS)
def pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Pair]:
    on_postgres = request.param == "postgresql"
    made = open_pair(tmp_path, template=None if on_postgres else request.getfixturevalue("template_database"),
                     postgres=request.getfixturevalue("postgres_node_databases") if on_postgres else None)
    yield made
    for node in (made.vn, made.cn):
        node.engine.dispose()


@pytest.fixture
def clients(pair: Pair) -> Iterator[dict[str, TestClient]]:
    """API clients per node (no background work: tests pump messages and run escalation)."""
    made = {party: TestClient(create_app(pair.node(party), run_background=False)) for party in PARTIES}
    for client in made.values():
        client.__enter__()
    yield made
    for client in made.values():
        client.__exit__(None, None, None)


def token_headers(pair: Pair, party: str, username: str) -> dict[str, str]:
    node = pair.node(party)
    with node.transaction() as session:
        user = accounts.find_user(session, username)
        _, secret = accounts.create_token(session, user, "test", node.clock.now())
    return {"Authorization": f"Bearer {secret}"}


def browser(pair: Pair, party: str, username: str) -> TestClient:
    """A logged-in browser session on one node (cookie + CSRF token), for the HTML pages."""
    client = TestClient(create_app(pair.node(party), run_background=False), follow_redirects=False)
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    done = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token.group(1)})
    assert done.status_code == 303, done.text
    home = client.get("/")
    meta = re.search(r'name="csrf-token" content="([^"]+)"', home.text)
    assert meta
    client.headers["X-CSRF-Token"] = meta.group(1)
    return client


# --- node processes shared by the end-to-end and browser tests ---------------------------------

# The shared pairs' environment: a stopped peer is retried at least every second.
SHARED_PAIR_ENV = {"BORDERLINK_EXCHANGE_BACKOFF_MAX_SECONDS": "1"}


class SharedPairs:
    """Started VN and CN demo nodes (real processes, tests/e2e/nodes.py), one pair per database
    backend: started when first asked for, stopped (their databases dropped) when the run ends.
    Setting up and starting a pair is most of an end-to-end module's time; tests that make their
    own objects do not need nodes of their own."""

    def __init__(self, tmp_path_factory: pytest.TempPathFactory, stack: contextlib.ExitStack) -> None:
        self._tmp_path_factory = tmp_path_factory
        self._stack = stack
        self._pairs: dict[str, NodePair] = {}

    def get(self, database_url: str | None) -> NodePair:
        """The pair on SQLite (None) or in databases beside `database_url` (PostgreSQL)."""
        from tests.e2e.nodes import running_pair

        pair = self._pairs.get(database_url or "")
        if pair is None:
            root = self._tmp_path_factory.mktemp("shared-postgresql" if database_url else "shared-sqlite")
            pair = self._stack.enter_context(running_pair(root, SHARED_PAIR_ENV, database_url, preloaded=True))
            self._pairs[database_url or ""] = pair
        for node in pair.nodes:  # a test that stopped a node failed before starting it again
            if not node.running:
                node.start(wait=True)
        return pair


@pytest.fixture(scope="session")
def shared_node_pairs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SharedPairs]:
    with contextlib.ExitStack() as stack:
        yield SharedPairs(tmp_path_factory, stack)
