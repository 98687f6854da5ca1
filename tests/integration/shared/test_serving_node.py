"""Any entry point that builds a serving node gets every domain's background work and listeners,
without the command line having been imported first."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

from fastapi.routing import iter_route_contexts

from borderlink.app import create_app
from borderlink.config import write_node_config
from borderlink.exchange.setup import peer_each_other
from borderlink.node import Node


def test_a_node_prepared_outside_the_cli_runs_the_dispatcher_escalation_and_federation_listener(
    tmp_path: Path,
) -> None:
    for party in ("VN", "CN"):
        write_node_config(tmp_path / party.lower(), party, {})
    peer_each_other(tmp_path / "vn", tmp_path / "cn")
    # A fresh interpreter: the node is built by calling the server module, never the CLI.
    script = textwrap.dedent(f"""
        import json
        from pathlib import Path
        from borderlink.config import load_settings
        from borderlink import server
        node = server.prepare_node(load_settings(Path({str(tmp_path / "vn")!r})))
        from borderlink import domains
        domains.setup(node)  # a second set-up adds nothing
        tasks = sorted(f"{{t.__module__}}.{{t.__name__}}" for t in node.background_tasks)
        ports = sorted(s.config.port for s in server.listeners(node))
        print(json.dumps({{"tasks": tasks, "ports": ports}}))
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout
    found = json.loads(out)
    assert found["tasks"].count("borderlink.exchange.dispatcher.run") == 1
    assert found["tasks"].count("borderlink.shared.escalation.escalation_loop") == 1
    assert len(found["ports"]) == 2  # the web listener and the federation listener


def test_the_app_mounts_every_domain_s_routes(node: Node) -> None:
    paths = {str(context.path) for context in iter_route_contexts(create_app(node, run_background=False).routes)}
    assert {"/api/v1/hotline/requests", "/hotline", "/api/v1/units", "/units", "/exchange"} <= paths
