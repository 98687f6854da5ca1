"""The operator commands: keys, peering, test traffic, status, received counts and log verification."""

from __future__ import annotations

import json
import stat
from pathlib import Path

from sqlalchemy import update
from typer.testing import CliRunner

from borderlink.cli.main import app
from borderlink.config import load_settings
from borderlink.exchange.context import bind
from borderlink.exchange.dispatcher import Dispatcher
from borderlink.exchange.models import LogEntry
from borderlink.exchange.transport import InProcessTransport
from borderlink.node import open_node

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_operator_workflow_from_init_to_verify(tmp_path: Path) -> None:
    vn_dir, cn_dir = tmp_path / "vn", tmp_path / "cn"
    assert invoke("init", "--node-dir", str(vn_dir), "--party", "VN")[0] == 0
    assert invoke("init", "--node-dir", str(cn_dir), "--party", "CN", "--federation-port", "8712")[0] == 0
    # `init` already made the keys; `keys init` says so and changes nothing.
    before = (vn_dir / "keys" / "signing.key").read_bytes()
    code, output = invoke("keys", "init", "--node-dir", str(vn_dir))
    assert code == 0
    assert "already exist" in output
    assert (vn_dir / "keys" / "signing.key").read_bytes() == before
    assert stat.S_IMODE((vn_dir / "keys" / "tls.key").stat().st_mode) == 0o600

    code, output = invoke("exchange", "send-test", "--node-dir", str(vn_dir), "--count", "3")
    assert code == 2
    assert "no peer" in output

    vn_identity, cn_identity = tmp_path / "vn.json", tmp_path / "cn.json"
    assert invoke("peer", "export", "--node-dir", str(vn_dir), "--out", str(vn_identity))[0] == 0
    code, output = invoke("peer", "export", "--node-dir", str(cn_dir))
    assert code == 0
    cn_identity.write_text(output)
    exported = json.loads(output)
    assert exported["party"] == "CN"
    assert exported["federation_url"] == "https://127.0.0.1:8712"
    assert exported["tls_certificate_pem"].startswith("-----BEGIN CERTIFICATE-----")
    assert invoke("peer", "import", "--node-dir", str(vn_dir), str(cn_identity))[0] == 0
    assert invoke("peer", "import", "--node-dir", str(cn_dir), str(vn_identity))[0] == 0

    assert invoke("exchange", "send-test", "--node-dir", str(vn_dir), "--count", "25")[0] == 0
    code, output = invoke("exchange", "status", "--node-dir", str(vn_dir), "--json")
    assert json.loads(output) == {"sent": 25, "delivered": 0, "pending": 25, "refused": 0}

    vn, cn = open_node(load_settings(vn_dir)), open_node(load_settings(cn_dir))
    bind(vn)
    bind(cn)
    try:
        dispatcher = Dispatcher(vn, InProcessTransport(cn))
        while dispatcher.cycle().sent:
            pass
    finally:
        vn.engine.dispose()
        cn.engine.dispose()

    code, output = invoke("exchange", "status", "--node-dir", str(vn_dir), "--json")
    assert json.loads(output) == {"sent": 25, "delivered": 25, "pending": 0, "refused": 0}
    code, output = invoke("exchange", "received", "--node-dir", str(cn_dir), "--kind", "test.echo", "--json")
    assert json.loads(output) == {"distinct": 25, "duplicates_applied": 0}
    code, output = invoke("exchange", "verify", "--node-dir", str(vn_dir))
    assert code == 0
    assert "intact" in output

    vn = open_node(load_settings(vn_dir))
    with vn.transaction() as session:
        session.execute(update(LogEntry).where(LogEntry.seq == 7).values(content_hash="0" * 64))
    vn.engine.dispose()
    code, output = invoke("exchange", "verify", "--node-dir", str(vn_dir))
    assert code == 1
    assert "BROKEN log: line 7" in output


def test_importing_a_file_that_is_not_an_identity_fails_cleanly(tmp_path: Path) -> None:
    assert invoke("init", "--node-dir", str(tmp_path / "vn"), "--party", "VN")[0] == 0
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    code, output = invoke("peer", "import", "--node-dir", str(tmp_path / "vn"), str(bad))
    assert code == 2
    assert "not JSON" in output
