"""The `borderlink` command on real node directories: init, serve, users, tokens, db upgrade."""

from __future__ import annotations

import socket
import sqlite3
import stat
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from borderlink.app import create_app
from borderlink.cli.main import app
from borderlink.config import load_settings, write_node_config
from borderlink.node import open_node

runner = CliRunner()
PASSWORD_ENV = {"BORDERLINK_PASSWORD": "a-long-password-1"}


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env)
    # Expected failures end in SystemExit with a message, never in an uncaught exception.
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result.exit_code, result.stdout, result.stderr


def assert_one_line_error(code: int, err: str, fragment: str) -> None:
    assert code == 2
    assert err.startswith("error: ")
    assert err.count("\n") == 1, err
    assert fragment in err
    assert "Traceback" not in err


def count(node_dir: Path, table: str) -> int:
    with sqlite3.connect(node_dir / "borderlink.db") as connection:
        (value,) = connection.execute(f"SELECT count(*) FROM {table}").fetchone()
    connection.close()
    return int(value)


@pytest.fixture(scope="module")
def made_node(tmp_path_factory: pytest.TempPathFactory) -> Path:
    node_dir = tmp_path_factory.mktemp("cli") / "vn"
    code, out, err = invoke("init", "--node-dir", str(node_dir), "--party", "vn")
    assert code == 0, err
    assert out.strip() == f"initialised VN node in {node_dir}"
    return node_dir


def test_init_creates_config_owner_only_secret_and_directory(made_node: Path) -> None:
    assert (made_node / "node.toml").is_file()
    assert stat.S_IMODE((made_node / "secret.key").stat().st_mode) == 0o600
    assert stat.S_IMODE(made_node.stat().st_mode) == 0o700
    assert count(made_node, "units") >= 29
    assert count(made_node, "parties") == 2
    assert load_settings(made_node).party == "VN"


def test_init_refuses_to_overwrite(made_node: Path) -> None:
    secret = (made_node / "secret.key").read_bytes()
    code, _, err = invoke("init", "--node-dir", str(made_node), "--party", "CN")
    assert_one_line_error(code, err, "already a node directory")
    assert (made_node / "secret.key").read_bytes() == secret
    assert load_settings(made_node).party == "VN"


def test_init_refuses_an_unknown_party(tmp_path: Path) -> None:
    code, _, err = invoke("init", "--node-dir", str(tmp_path / "xx"), "--party", "XX")
    assert_one_line_error(code, err, "--party must be VN or CN")
    assert not (tmp_path / "xx").exists()


def test_init_refuses_a_bad_time_zone(tmp_path: Path) -> None:
    code, _, err = invoke("init", "--node-dir", str(tmp_path / "vn"), "--party", "VN", "--timezone", "Mars/Base")
    assert_one_line_error(code, err, "Mars/Base")
    assert not (tmp_path / "vn" / "node.toml").exists()


def test_serve_on_a_non_node_directory_is_one_line(tmp_path: Path) -> None:
    code, _, err = invoke("serve", "--node-dir", str(tmp_path))
    assert_one_line_error(code, err, "not a node directory")


@pytest.mark.parametrize(
    ("unit", "role", "password", "fragment"),
    [
        ("VN-NOPE", "officer", "a-long-password-1", "no unit with code 'VN-NOPE'"),
        ("VN-QN", "general", "a-long-password-1", "role must be one of"),
        ("VN-QN", "officer", "short", "at least 12 characters"),
        ("CN-GX-DONGXING", "officer", "a-long-password-1", "this node's own units"),
    ],
)
def test_user_create_refuses_bad_input_in_one_line(
    made_node: Path, unit: str, role: str, password: str, fragment: str
) -> None:
    before = count(made_node, "users")
    code, _, err = invoke(
        "user",
        "create",
        "--node-dir",
        str(made_node),
        "--username",
        "bad.input",
        "--unit",
        unit,
        "--role",
        role,
        env={"BORDERLINK_PASSWORD": password},
    )
    assert_one_line_error(code, err, fragment)
    assert count(made_node, "users") == before


def test_user_create_from_a_password_file_then_refuses_a_duplicate(made_node: Path, tmp_path: Path) -> None:
    password_file = tmp_path / "password"
    password_file.write_text("a-long-password-2\n")
    args = [
        "user",
        "create",
        "--node-dir",
        str(made_node),
        "--username",
        "QN.Admin",
        "--unit",
        "VN-QN",
        "--role",
        "admin",
        "--display-name",
        "Quảng Ninh admin",
        "--password-file",
        str(password_file),
    ]
    code, out, err = invoke(*args)
    assert code == 0, err
    assert out.strip() == "created user qn.admin (admin) in VN-QN"
    code, _, err = invoke(*args)
    assert_one_line_error(code, err, "is taken")


def test_token_create_prints_a_token_that_works_against_the_api(made_node: Path) -> None:
    code, _, err = invoke(
        "user",
        "create",
        "--node-dir",
        str(made_node),
        "--username",
        "token.user",
        "--unit",
        "VN-QN-MONGCAI",
        "--role",
        "officer",
        env=PASSWORD_ENV,
    )
    assert code == 0, err
    code, out, err = invoke("token", "create", "--node-dir", str(made_node), "--username", "token.user")
    assert code == 0, err
    token = out.strip()
    assert token.startswith("blk_")
    with sqlite3.connect(made_node / "borderlink.db") as connection:
        dump = "\n".join(connection.iterdump())
    connection.close()
    assert token not in dump
    node = open_node(load_settings(made_node))
    try:
        with TestClient(create_app(node, run_background=False)) as client:
            me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
            assert me.status_code == 200
            assert me.json()["username"] == "token.user"
            assert me.json()["unit_code"] == "VN-QN-MONGCAI"
            assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}x"}).status_code == 401
    finally:
        node.engine.dispose()


def test_token_create_for_an_unknown_user_is_one_line(made_node: Path) -> None:
    code, _, err = invoke("token", "create", "--node-dir", str(made_node), "--username", "nobody")
    assert_one_line_error(code, err, "no user named 'nobody'")


def test_db_upgrade_is_idempotent(made_node: Path) -> None:
    entries = count(made_node, "audit_entries")
    for _ in range(2):
        code, out, err = invoke("db", "upgrade", "--node-dir", str(made_node))
        assert code == 0, err
        assert out.strip() == "database is up to date; 0 directory rows refreshed"
    assert count(made_node, "audit_entries") == entries
    code, out, _ = invoke("audit", "verify", "--node-dir", str(made_node))
    assert code == 0, out


def test_database_url_from_the_environment_overrides_the_file(tmp_path: Path) -> None:
    settings = write_node_config(tmp_path / "vn", "VN", {})
    elsewhere = tmp_path / "elsewhere.db"
    code, _, err = invoke(
        "db", "upgrade", "--node-dir", str(settings.node_dir), env={"BORDERLINK_DATABASE_URL": f"sqlite:///{elsewhere}"}
    )
    assert code == 0, err
    assert elsewhere.is_file()
    assert not (settings.node_dir / "borderlink.db").exists()
    with sqlite3.connect(elsewhere) as connection:
        (units,) = connection.execute("SELECT count(*) FROM units").fetchone()
    connection.close()
    assert units >= 29


def test_commands_on_a_node_without_schema_explain_themselves(tmp_path: Path) -> None:
    settings = write_node_config(tmp_path / "vn", "VN", {})
    code, _, err = invoke("token", "create", "--node-dir", str(settings.node_dir), "--username", "anyone")
    assert_one_line_error(code, err, "borderlink db upgrade")


def test_serve_on_a_busy_port_is_one_line_and_leaves_no_pid_file(
    made_node: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        monkeypatch.setenv("BORDERLINK_LISTEN_PORT", str(port))
        code, _, err = invoke("serve", "--node-dir", str(made_node))
    assert code == 2
    assert f"error: cannot listen on 127.0.0.1:{port} (is the port already in use?)\n" in err
    assert "Traceback" not in err
    assert not (made_node / "node.pid").exists()
