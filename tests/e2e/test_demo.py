"""`borderlink demo` end to end: seed twice (idempotent), then run both nodes as real processes
on free ports chosen through the environment, and use them as a browser would."""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.e2e.nodes import NodeProcess, free_port

from borderlink.audit.service import derive_audit_key, verify
from borderlink.config import load_settings
from borderlink.directory.service import demo_accounts
from borderlink.node import open_node
from borderlink.web.deps import login_csrf_cookie, session_cookie

pytestmark = pytest.mark.e2e

PARTIES = {"VN": "vn", "CN": "cn"}
LOGINS = {"VN": "mongcai.officer", "CN": "dongxing.officer"}
# The same gate pair in each language, and a word of the interface from the translation catalogs.
EXPECTED = {
    "vi": ["Đồn Biên phòng cửa khẩu quốc tế Móng Cái", "Trạm Kiểm tra Biên phòng Đông Hưng", "Danh bạ đơn vị"],
    "zh_Hans": ["芒街国际口岸边防站", "东兴出入境边防检查站", "单位名录"],
    "en": ["Móng Cái International Border Gate Post", "Dongxing Border Inspection Station", "Unit directory"],
}


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_block(offsets: tuple[int, ...] = (0, 1, 10, 11)) -> int:
    """A base port such that base + each offset is free (the demo's port layout)."""
    for _ in range(200):
        base = free_port()
        if base + max(offsets) < 65536 and all(_port_is_free(base + offset) for offset in offsets):
            return base
    raise RuntimeError("no free block of ports on 127.0.0.1")


def borderlink(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the real command in a fresh interpreter, as an operator would."""
    return subprocess.run(
        [sys.executable, "-m", "borderlink", *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={k: v for k, v in os.environ.items() if not k.startswith("BORDERLINK_")},
    )


def table_counts(node_dir: Path) -> dict[str, int]:
    with sqlite3.connect(node_dir / "borderlink.db") as connection:
        counts = {
            table: int(connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
            for table in ("users", "units", "counterparts", "audit_entries")
        }
    connection.close()
    return counts


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, dict[str, int]]]:
    """Seed the demo twice; return its root and the row counts after the first seeding."""
    root = tmp_path_factory.mktemp("demo")
    base = free_port_block()
    first = borderlink("demo", "--root", str(root), "--seed-only", "--base-port", str(base))
    assert first.returncode == 0, first.stderr
    assert f"demo nodes ready in {root}" in first.stdout
    counts = {party: table_counts(root / folder) for party, folder in PARTIES.items()}
    return root, counts


def test_first_seeding_creates_both_nodes_and_their_accounts(
    demo_root: tuple[Path, dict[str, dict[str, int]]],
) -> None:
    root, counts = demo_root
    for party, folder in PARTIES.items():
        assert counts[party]["users"] == len(demo_accounts()[party])
        assert counts[party]["units"] >= 29
        config = (root / folder / "node.toml").read_text()
        assert f'party = "{party}"' in config


def test_second_seeding_creates_nothing_new(demo_root: tuple[Path, dict[str, dict[str, int]]]) -> None:
    root, counts = demo_root
    again = borderlink("demo", "--root", str(root), "--seed-only")
    assert again.returncode == 0, again.stderr
    for party, folder in PARTIES.items():
        assert table_counts(root / folder) == counts[party], party
        node = open_node(load_settings(root / folder))
        try:
            with node.transaction() as session:
                entries, problems = verify(session, derive_audit_key(node.settings.secret_key))
        finally:
            node.engine.dispose()
        assert problems == []
        assert entries == counts[party]["audit_entries"]


@pytest.fixture(scope="module")
def nodes(demo_root: tuple[Path, dict[str, dict[str, int]]]) -> Iterator[dict[str, NodeProcess]]:
    """Both demo nodes serving on fresh ports given through the environment, not the file."""
    root, _ = demo_root
    started: dict[str, NodeProcess] = {}
    try:
        for party, folder in PARTIES.items():
            listen, federation = free_port(), free_port()
            node = NodeProcess(
                party,
                root / folder,
                listen,
                federation,
                tokens={},
                env={"BORDERLINK_LISTEN_PORT": str(listen), "BORDERLINK_FEDERATION_PORT": str(federation)},
            )
            node.start()
            started[party] = node
        for node in started.values():
            node.wait_ready()
        yield started
    finally:
        for node in started.values():
            node.stop()


def test_both_nodes_answer_health_on_the_ports_from_the_environment(nodes: dict[str, NodeProcess]) -> None:
    for party, node in nodes.items():
        response = httpx.get(f"{node.url}/health", timeout=10)
        assert response.status_code == 200
        body = response.json()
        assert (body["status"], body["node"], body["database"]) == ("ok", party, "ok")
        assert [peer["party"] for peer in body["peers"]] == [other for other in nodes if other != party]
        assert "x-frame-options" in response.headers
        configured = re.search(r"listen_port = (\d+)", (node.node_dir / "node.toml").read_text())
        assert configured is not None
        assert int(configured.group(1)) != node.listen_port


def login(node: NodeProcess, username: str, password: str) -> httpx.Client:
    client = httpx.Client(base_url=node.url, timeout=20, follow_redirects=False)
    form = client.get("/login")
    assert form.status_code == 200
    token = client.cookies.get(login_csrf_cookie(node.party))
    assert token
    response = client.post("/login", data={"username": username, "password": password, "csrf_token": token})
    assert response.status_code == 303, response.text
    assert client.cookies.get(session_cookie(node.party))
    return client


@pytest.mark.parametrize("party", ["VN", "CN"])
def test_demo_user_logs_in_and_reads_the_directory_in_three_languages(
    nodes: dict[str, NodeProcess], party: str
) -> None:
    password = str(demo_accounts()["password"])
    client = login(nodes[party], LOGINS[party], password)
    try:
        for language, expected in EXPECTED.items():
            page = client.get(f"/units?lang={language}")
            assert page.status_code == 200, (language, page.status_code)
            for text in expected:
                assert text in page.text, (party, language, text)
        home = client.get("/")
        assert home.status_code == 200
        assert ("(UTC+7)" if party == "VN" else "(UTC+8)") in home.text
    finally:
        client.close()


def test_each_demo_officer_finds_the_requests_their_post_sent_in_its_hotline_inbox(
    nodes: dict[str, NodeProcess],
) -> None:
    """The domains' demo seeds ran once per node (seeding twice added nothing, above); the hotline's
    requests wait in the outbox for the counterpart, whose federation port these runs moved."""
    password = str(demo_accounts()["password"])
    sent_by = {"VN": "Xe tải nghi chở ma túy hướng về cửa khẩu Bắc Luân", "CN": "查找一名疑似被拐卖妇女"}
    for party, subject in sent_by.items():
        client = login(nodes[party], LOGINS[party], password)
        try:
            page = client.get("/hotline")
            assert page.status_code == 200
            assert page.text.count(subject) == 1, party
        finally:
            client.close()


def test_wrong_password_is_refused_by_the_running_node(nodes: dict[str, NodeProcess]) -> None:
    with httpx.Client(base_url=nodes["VN"].url, timeout=20) as client:
        client.get("/login")
        response = client.post(
            "/login",
            data={
                "username": "mongcai.officer",
                "password": "not-the-demo-password",
                "csrf_token": client.cookies.get(login_csrf_cookie("VN")) or "",
            },
        )
        assert response.status_code == 401


def test_pid_file_exists_while_running_and_goes_away_after_sigterm(nodes: dict[str, NodeProcess]) -> None:
    for party, node in nodes.items():
        pid_file = node.node_dir / "node.pid"
        assert node.process is not None
        assert pid_file.read_text().strip() == str(node.process.pid), party
        assert node.stop() == 0, node.log_tail()
        assert not pid_file.exists(), party
        with pytest.raises(httpx.HTTPError):
            httpx.get(f"{node.url}/health", timeout=2)
