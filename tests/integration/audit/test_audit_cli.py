"""`borderlink audit verify` on a real node directory, tampered with through sqlite3 directly."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from borderlink.cli.main import app

runner = CliRunner()


def invoke(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args), env=env)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def template_node(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A node made by `borderlink init` with one user created by `borderlink user create`."""
    node_dir = tmp_path_factory.mktemp("audit-cli") / "vn"
    code, _out, err = invoke("init", "--node-dir", str(node_dir), "--party", "VN")
    assert code == 0, err
    code, _out, err = invoke(
        "user",
        "create",
        "--node-dir",
        str(node_dir),
        "--username",
        "mongcai.officer",
        "--unit",
        "VN-QN-MONGCAI",
        "--role",
        "officer",
        env={"BORDERLINK_PASSWORD": "a-long-password-1"},
    )
    assert code == 0, err
    return node_dir


@pytest.fixture
def node_dir(template_node: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "vn"
    shutil.copytree(template_node, copy)
    return copy


def sql(node_dir: Path, statement: str, *params: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(node_dir / "borderlink.db") as connection:
        rows = connection.execute(statement, params).fetchall()
    connection.close()
    return rows


def last_seq(node_dir: Path) -> int:
    (value,) = sql(node_dir, "SELECT max(seq) FROM audit_entries")[0]
    return int(str(value))


def verify(node_dir: Path) -> tuple[int, str]:
    code, out, err = invoke("audit", "verify", "--node-dir", str(node_dir))
    return code, out + err


def test_untouched_chain_is_intact(node_dir: Path) -> None:
    code, output = verify(node_dir)
    assert code == 0
    assert output.strip() == f"audit chain intact: {last_seq(node_dir)} entries"


def test_user_creation_is_the_last_entry(node_dir: Path) -> None:
    ((action, object_type),) = sql(node_dir, "SELECT action, object_type FROM audit_entries ORDER BY seq DESC LIMIT 1")
    assert (action, object_type) == ("create", "users")


def test_json_output(node_dir: Path) -> None:
    import json

    code, out, _ = invoke("audit", "verify", "--node-dir", str(node_dir), "--json")
    assert code == 0
    assert json.loads(out) == {"entries": last_seq(node_dir), "ok": True, "problems": []}


def test_edited_row_fails_with_its_number(node_dir: Path) -> None:
    sql(node_dir, "UPDATE audit_entries SET object_id = 'forged' WHERE seq = 5")
    code, output = verify(node_dir)
    assert code == 1
    assert "entry 5 " in output
    assert "intact" not in output


def test_deleted_middle_row_fails_with_its_number(node_dir: Path) -> None:
    sql(node_dir, "DELETE FROM audit_entries WHERE seq = 10")
    code, output = verify(node_dir)
    assert code == 1
    assert "entry 10 deleted" in output


def test_deleted_tail_fails_with_the_numbers(node_dir: Path) -> None:
    end = last_seq(node_dir)
    sql(node_dir, "DELETE FROM audit_entries WHERE seq >= ?", end - 1)
    code, output = verify(node_dir)
    assert code == 1
    assert f"entries {end - 1}-{end} deleted" in output


def test_forged_row_fails_with_its_number(node_dir: Path) -> None:
    end = last_seq(node_dir)
    sql(
        node_dir,
        "INSERT INTO audit_entries (seq, at, actor_label, action, object_type, object_id, prev_hash, entry_hash)"
        " SELECT seq + 1, at, 'system', 'delete', 'users', 'someone', entry_hash, ? FROM audit_entries"
        " WHERE seq = ?",
        "a" * 64,
        end,
    )
    code, output = verify(node_dir)
    assert code == 1
    assert f"entry {end + 1} " in output


def test_edited_head_fails_naming_the_entry(node_dir: Path) -> None:
    end = last_seq(node_dir)
    sql(node_dir, "UPDATE audit_head SET last_hash = ?", "b" * 64)
    code, output = verify(node_dir)
    assert code == 1
    assert f"entry {end} " in output


def test_verify_outside_a_node_directory_is_one_line(tmp_path: Path) -> None:
    code, _out, err = invoke("audit", "verify", "--node-dir", str(tmp_path))
    assert code == 2
    assert err.count("\n") == 1
    assert "not a node directory" in err
