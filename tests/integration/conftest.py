"""Integration fixtures: real Alembic migrations on SQLite, and on PostgreSQL when
BORDERLINK_TEST_DATABASE_URL is set; every test runs inside a transaction that is rolled back.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from tests.conftest import postgres_url
from tests.support.personas import PASSWORD, on
from tests.support.two_nodes import BACKENDS, START

from borderlink import migrate
from borderlink.app import create_app
from borderlink.audit.service import AUDIT_KEY_INFO, CLOCK_INFO, derive_audit_key, install_audit_hook
from borderlink.clock import ManualClock
from borderlink.config import write_node_config
from borderlink.db import make_engine
from borderlink.directory import accounts
from borderlink.directory import service as directory
from borderlink.node import Node

NODE_PASSWORD_HASHER = accounts._hasher


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashing() -> Iterator[None]:
    """Argon2id at its lowest cost: the same algorithm and hash format, without 0.2 s per hash."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(accounts, "_hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
        yield


@pytest.fixture(scope="session", params=BACKENDS)
def migrated_engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """One migrated database per backend for the whole run."""
    if request.param == "postgresql":
        url = postgres_url()
        if url is None:
            pytest.skip("PostgreSQL tests are off (set BORDERLINK_TEST_DATABASE_URL)")
        engine = make_engine(url)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"
        engine = make_engine(url)
    with engine.connect() as conn:
        migrate.upgrade(url, connection=conn)
        conn.commit()
    yield engine
    engine.dispose()


@pytest.fixture
def node(migrated_engine: Engine, tmp_path: Path) -> Iterator[Node]:
    """A VN node whose every transaction is a savepoint inside one rolled-back transaction."""
    settings = write_node_config(tmp_path / "vn", "VN", {})
    clock = ManualClock(START)
    install_audit_hook()
    connection = migrated_engine.connect()
    outer = connection.begin()
    factory: sessionmaker[Session] = sessionmaker(
        bind=connection,
        expire_on_commit=False,
        join_transaction_mode="create_savepoint",
        info={AUDIT_KEY_INFO: derive_audit_key(settings.secret_key), CLOCK_INFO: clock},
    )
    node = Node(settings=settings, engine=migrated_engine, session_factory=factory, clock=clock)
    with node.transaction() as session:
        directory.load_reference_data(session, "VN")
    try:
        yield node
    finally:
        outer.rollback()
        connection.close()


@pytest.fixture
def session(node: Node) -> Iterator[Session]:
    with node.transaction() as session:
        yield session


@dataclasses.dataclass(frozen=True)
class Persona:
    name: str
    username: str
    unit_code: str
    role: str
    user_id: str


# The personas of the one-node tests (from the table of both nodes, tests/support/personas.py).
PERSONAS = {p.name: (p.username, p.unit_code, p.role) for p in on("VN", (
    "post_officer", "post_commander", "provincial_commander", "central_analyst", "admin", "provincial_admin",
    "outsider", "outsider_commander"))}


@pytest.fixture
def personas(node: Node) -> dict[str, Persona]:
    made: dict[str, Persona] = {}
    with node.transaction() as session:
        for name, (username, unit_code, role) in PERSONAS.items():
            user = accounts.create_user(
                session, username=username, password=PASSWORD, unit_code=unit_code, role=role,
                display_name=name.replace("_", " ").title(), now=node.clock.now(),
            )
            made[name] = Persona(name, username, unit_code, role, user.id)
    return made


@pytest.fixture
def app_client(node: Node) -> Iterator[TestClient]:
    with TestClient(create_app(node, run_background=False)) as client:
        yield client


@pytest.fixture
def login(node: Node) -> Iterator[Callable[..., TestClient]]:
    """`login(username)` returns a browser-like client with a session cookie and its CSRF token."""
    clients: list[TestClient] = []

    def make(username: str, password: str = PASSWORD) -> TestClient:
        client = TestClient(create_app(node, run_background=False), follow_redirects=False)
        client.__enter__()
        clients.append(client)
        form = client.get("/login")
        token = _csrf_from(form.text)
        response = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
        assert response.status_code == 303, response.text
        home = client.get("/")
        client.headers["X-CSRF-Token"] = _csrf_from(home.text)
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def bearer(node: Node) -> Callable[[str], dict[str, str]]:
    """`bearer(username)` returns Authorization headers with a fresh API token of that user."""

    def make(username: str) -> dict[str, str]:
        with node.transaction() as session:
            user = accounts.find_user(session, username)
            _, secret = accounts.create_token(session, user, "test", node.clock.now())
        return {"Authorization": f"Bearer {secret}"}

    return make


def _csrf_from(html: str) -> str:
    import re

    match = re.search(r'name="csrf[-_]token" (?:content|value)="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1)
