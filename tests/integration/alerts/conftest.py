"""Two national nodes in one process exchanging real signed envelopes (as the hotline's tests do),
with databases of their own so both suites can run in one session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from tests.integration.conftest import BACKENDS, START
from tests.integration.hotline.conftest import PASSWORD, Pair, _empty
from tests.support.two_nodes import postgres_databases

from borderlink import domains, migrate
from borderlink.app import create_app
from borderlink.clock import ManualClock
from borderlink.config import load_settings, write_node_config
from borderlink.directory import accounts
from borderlink.directory import service as directory
from borderlink.exchange.context import bind
from borderlink.exchange.setup import peer_each_other
from borderlink.node import open_node

PEOPLE = {
    "VN": [("mongcai.officer", "VN-QN-MONGCAI", "officer"), ("mongcai.commander", "VN-QN-MONGCAI", "commander"),
           ("qn.commander", "VN-QN", "commander"), ("bgc.analyst", "VN-BGC", "analyst"),
           ("laocai.officer", "VN-LC-LAOCAI", "officer"), ("vn.admin", "VN-BGC", "admin"),
           ("huunghi.officer", "VN-LS-HUUNGHI", "officer"), ("qn.analyst", "VN-QN", "analyst")],
    "CN": [("dongxing.officer", "CN-GX-DONGXING", "officer"), ("gx.commander", "CN-GX", "commander"),
           ("nia.analyst", "CN-NIA", "analyst"), ("hekou.officer", "CN-YN-HEKOU", "officer"),
           ("gx.analyst", "CN-GX", "analyst"), ("dongxing.commander", "CN-GX-DONGXING", "commander")],
}


@pytest.fixture(scope="session")
def alerts_template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("alerts-template") / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def alerts_postgres_databases() -> Iterator[dict[str, str]]:
    yield from postgres_databases("alerts")


@pytest.fixture(params=BACKENDS)
def pair(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Pair]:
    clock = ManualClock(START)
    folders = {}
    pg_urls = request.getfixturevalue("alerts_postgres_databases") if request.param == "postgresql" else None
    for party, port in (("VN", 18721), ("CN", 18722)):
        folder = tmp_path / party.lower()
        if pg_urls is None:
            write_node_config(folder, party, {"federation_port": port})
            shutil.copy(request.getfixturevalue("alerts_template_database"), folder / "borderlink.db")
        else:
            write_node_config(folder, party, {"federation_port": port, "database_url": pg_urls[party]})
            _empty(pg_urls[party])
        folders[party] = folder
    peer_each_other(folders["VN"], folders["CN"])
    opened = {party: open_node(load_settings(folder), clock=clock) for party, folder in folders.items()}
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
    made = {party: TestClient(create_app(pair.node(party), run_background=False)) for party in ("VN", "CN")}
    for client in made.values():
        client.__enter__()
    yield made
    for client in made.values():
        client.__exit__(None, None, None)


def headers(pair: Pair, party: str, username: str) -> dict[str, str]:
    node = pair.node(party)
    with node.transaction() as session:
        user = accounts.find_user(session, username)
        _, secret = accounts.create_token(session, user, "test", node.clock.now())
    return {"Authorization": f"Bearer {secret}"}
