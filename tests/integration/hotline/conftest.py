"""Two national nodes in one process, each with its own migrated database and keys, exchanging
real signed envelopes through the exchange's in-process transport."""

from __future__ import annotations

import dataclasses
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from tests.conftest import postgres_url
from tests.integration.conftest import BACKENDS, START

from borderlink import domains, migrate
from borderlink.app import create_app
from borderlink.clock import ManualClock
from borderlink.config import write_node_config
from borderlink.db import make_engine, normalise_url
from borderlink.directory import accounts
from borderlink.directory import service as directory
from borderlink.directory.permissions import Principal
from borderlink.exchange.context import bind
from borderlink.exchange.dispatcher import Dispatcher
from borderlink.exchange.setup import peer_each_other
from borderlink.exchange.transport import InProcessTransport
from borderlink.model_registry import Base
from borderlink.node import Node, open_node

PASSWORD = "persona-password-1"
PEOPLE = {
    "VN": [("mongcai.officer", "VN-QN-MONGCAI", "officer"), ("mongcai.commander", "VN-QN-MONGCAI", "commander"),
           ("qn.commander", "VN-QN", "commander"), ("bgc.analyst", "VN-BGC", "analyst"),
           ("laocai.officer", "VN-LC-LAOCAI", "officer"), ("vn.admin", "VN-BGC", "admin"),
           ("vn.viewer", "VN-QN-MONGCAI", "viewer")],
    "CN": [("dongxing.officer", "CN-GX-DONGXING", "officer"), ("gx.commander", "CN-GX", "commander"),
           ("nia.analyst", "CN-NIA", "analyst"), ("hekou.officer", "CN-YN-HEKOU", "officer")],
}


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file, copied for every node of every test (migrating is the slow part)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def postgres_node_databases() -> Iterator[dict[str, str]]:
    """A migrated PostgreSQL database per party, made once; tests empty them instead of migrating.
    Names carry the process id, so two test runs on one server never drop each other's."""
    base = postgres_url()
    if base is None:
        pytest.skip("PostgreSQL tests are off (set BORDERLINK_TEST_DATABASE_URL)")
    urls = {}
    names = []
    admin = make_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for party in ("vn", "cn"):
            name = f"borderlink_hotline_{party}_{os.getpid()}"
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


def _empty(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
        conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    engine.dispose()


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


@pytest.fixture(params=BACKENDS)
def pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Pair]:
    clock = ManualClock(START)
    nodes = {}
    pg_urls = request.getfixturevalue("postgres_node_databases") if request.param == "postgresql" else None
    for party, port in (("VN", 18711), ("CN", 18712)):
        folder = tmp_path / party.lower()
        if pg_urls is None:
            write_node_config(folder, party, {"federation_port": port})
            shutil.copy(request.getfixturevalue("template_database"), folder / "borderlink.db")
        else:
            write_node_config(folder, party, {"federation_port": port, "database_url": pg_urls[party]})
            _empty(pg_urls[party])
        nodes[party] = folder
    peer_each_other(nodes["VN"], nodes["CN"])
    from borderlink.config import load_settings

    opened = {party: open_node(load_settings(folder), clock=clock) for party, folder in nodes.items()}
    domains.register_message_handlers()
    for party, node in opened.items():
        bind(node)
        with node.transaction() as session:
            directory.load_reference_data(session, party)
            for username, unit, role in PEOPLE[party]:
                accounts.create_user(session, username=username, password=PASSWORD, unit_code=unit, role=role,
                                     display_name=username, now=clock.now())
    yield Pair(opened["VN"], opened["CN"], clock)
    for node in opened.values():
        node.engine.dispose()


@pytest.fixture
def clients(pair: Pair) -> Iterator[dict[str, TestClient]]:
    """API clients per node (no background work: tests pump messages and run escalation)."""
    made = {party: TestClient(create_app(pair.node(party), run_background=False)) for party in ("VN", "CN")}
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
    import re

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
