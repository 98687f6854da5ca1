"""`borderlink audit verify`: prove the audit trail is intact, or say where it is not."""

from __future__ import annotations

import typer

from borderlink.audit import service
from borderlink.cli.common import NodeDir, echo_json, friendly_errors, node_from

audit_app = typer.Typer(help="The audit trail.", no_args_is_help=True)


@audit_app.command("verify")
@friendly_errors
def verify(node_dir: NodeDir, json_output: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """Check the hash chain: every edited, inserted or deleted entry is reported by number."""
    node = node_from(node_dir)
    key = service.derive_audit_key(node.settings.secret_key)
    with node.transaction() as session:
        count, problems = service.verify(session, key)
    if json_output:
        echo_json({"entries": count, "ok": not problems,
                   "problems": [{"seq": p.seq, "kind": p.kind, "message": p.message} for p in problems]})
    elif problems:
        for problem in problems:
            typer.echo(f"BROKEN {problem.kind}: {problem.message}")
    else:
        typer.echo(f"audit chain intact: {count} entries")
    if problems:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(audit_app, name="audit")
