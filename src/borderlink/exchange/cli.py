"""`borderlink keys`, `borderlink peer` and `borderlink exchange` commands."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from borderlink.cli.common import NodeDir, echo_json, friendly_errors, node_from
from borderlink.config import load_settings
from borderlink.errors import InvalidInput
from borderlink.exchange import anchors, keys, messagelog, service, testtraffic
from borderlink.exchange.context import bind
from borderlink.exchange.dead_letters import NotDeadLettered, resolve_dead_letter
from borderlink.node import Node

keys_app = typer.Typer(help="This node's signing and TLS keys.", no_args_is_help=True)
peer_app = typer.Typer(help="The peer node this node trusts.", no_args_is_help=True)
exchange_app = typer.Typer(help="The federation exchange: test traffic, status, verification.",
                           no_args_is_help=True)

protocol_app = typer.Typer(help="The federation protocol, for those who write the other side's node.",
                           no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@keys_app.command("init")
@friendly_errors
def keys_init(node_dir: NodeDir) -> None:
    """Make the Ed25519 signing key and the TLS key and self-signed certificate (once)."""
    settings = load_settings(node_dir)
    created = keys.init_keys(settings)
    local = keys.load_local(settings)
    state = "created" if created else "already exist"
    typer.echo(f"keys {state} in {keys.keys_dir(settings.node_dir)} (signing key id {local.key_id})")


@peer_app.command("export")
@friendly_errors
def peer_export(
    node_dir: NodeDir,
    out: Annotated[Path | None, typer.Option("--out", help="Write here instead of standard output.")] = None,
) -> None:
    """Print (or write) this node's public identity for the peer's administrator."""
    identity = keys.export_identity(load_settings(node_dir))
    text = json.dumps(identity, indent=2) + "\n"
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        typer.echo(f"wrote the {identity['party']} identity to {out}")


@peer_app.command("import")
@friendly_errors
def peer_import(node_dir: NodeDir, identity_file: Annotated[Path, typer.Argument(help="A peer export file.")]) -> None:
    """Trust the peer in FILE: pin its signing key and TLS certificate."""
    try:
        data = json.loads(identity_file.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{identity_file} is not JSON: {exc}") from exc
    peer = keys.import_peer(load_settings(node_dir), data)
    typer.echo(f"now trusting peer {peer.party} at {peer.federation_url} (signing key id {peer.key_id}); "
               "restart the node for its listener to accept it")


@exchange_app.command("send-test")
@friendly_errors
def send_test(
    node_dir: NodeDir,
    count: Annotated[int, typer.Option("--count", min=1, max=1_000_000, help="How many envelopes.")] = 1,
    stream: Annotated[str | None, typer.Option(help="Stream to send them on (default: test.echo).")] = None,
) -> None:
    """Queue COUNT `test.echo` envelopes for the peer (the running node sends them)."""
    node = node_from(node_dir)
    bind(node)
    with node.transaction() as session:
        ids = testtraffic.send_test(session, count, stream=stream)
    typer.echo(f"queued {len(ids)} test.echo envelopes")


@exchange_app.command("status")
@friendly_errors
def status(
    node_dir: NodeDir, json_output: JsonFlag = False,
    kind: Annotated[str | None, typer.Option(help="Only this kind (default: all traffic).")] = None,
) -> None:
    """Envelopes sent, delivered (receipt stored), pending and refused by the peer."""
    node = node_from(node_dir)
    bind(node)
    with node.transaction() as session:
        counts = service.outbox_status(session, kind)
    if json_output:
        echo_json(counts)
    else:
        typer.echo(" ".join(f"{key}={value}" for key, value in counts.items()))


@exchange_app.command("received")
@friendly_errors
def received(
    node_dir: NodeDir, json_output: JsonFlag = False,
    kind: Annotated[str, typer.Option(help="Which kind of envelope.")] = testtraffic.ECHO_KIND,
) -> None:
    """Distinct envelopes of KIND applied here, and how often one was applied again (must be 0)."""
    node = node_from(node_dir)
    bind(node)
    with node.transaction() as session:
        counts = service.received_counts(session, kind)
    if json_output:
        echo_json(counts)
    else:
        typer.echo(f"distinct={counts['distinct']} duplicates_applied={counts['duplicates_applied']}")


@exchange_app.command("verify")
@friendly_errors
def verify(node_dir: NodeDir, json_output: JsonFlag = False) -> None:
    """Check the message log's hash chain and the anchors both sides signed."""
    node = node_from(node_dir)
    bind(node)
    with node.transaction() as session:
        count, chain_problems = messagelog.verify_chain(session)
        own, theirs, anchor_problems = anchors.verify_anchors(session)
    problems = [f"log: {p.message}" for p in chain_problems] + [
        f"anchor {p.anchor_id}: {p.message}" for p in anchor_problems]
    if json_output:
        echo_json({"lines": count, "countersigned_anchors": own, "peer_anchors": theirs,
                   "ok": not problems, "problems": problems})
    elif problems:
        for problem in problems:
            typer.echo(f"BROKEN {problem}")
    else:
        typer.echo(f"message log intact: {count} lines, {own} of our anchors countersigned by the peer, "
                   f"{theirs} peer anchors held")
    if problems:
        raise typer.Exit(1)


@exchange_app.command("dead-letters")
@friendly_errors
def dead_letters(node_dir: NodeDir, json_output: JsonFlag = False) -> None:
    """Received envelopes whose handler kept failing, waiting for an operator."""
    with _bound(node_dir).transaction() as session:
        letters = service.dead_letters(session, limit=10_000)
    if json_output:
        echo_json([{"id": letter.envelope_id, "sender": letter.sender_party, "kind": letter.kind,
                    "stream": letter.stream, "seq": letter.seq, "attempts": letter.attempts, "error": letter.error,
                    "received_at": letter.received_at.isoformat()} for letter in letters])
        return
    if not letters:
        typer.echo("no dead letters")
    for letter in letters:
        typer.echo(f"{letter.envelope_id} {letter.kind} {letter.stream}#{letter.seq} "
                   f"attempts={letter.attempts} error={letter.error}")


@exchange_app.command("retry")
@friendly_errors
def retry(node_dir: NodeDir, envelope_id: Annotated[str, typer.Argument(help="A dead letter's id.")]) -> None:
    """Apply a dead-lettered envelope again; on success its stream moves on."""
    status, reason = _resolve(_bound(node_dir), envelope_id, None)
    if status == "dead_letter":
        typer.echo(f"{envelope_id} failed again: {reason}", err=True)
        raise typer.Exit(1)
    typer.echo(f"{envelope_id} {status}" + (f": {reason}" if reason else ""))


@exchange_app.command("reject")
@friendly_errors
def reject(
    node_dir: NodeDir, envelope_id: Annotated[str, typer.Argument(help="A dead letter's id.")],
    reason: Annotated[str, typer.Option("--reason", help="Why it is rejected (kept with the envelope).")],
) -> None:
    """Reject a dead-lettered envelope for good; its stream moves on without it."""
    if not reason.strip():
        raise InvalidInput("say why the envelope is rejected")
    status, _ = _resolve(_bound(node_dir), envelope_id, reason.strip())
    typer.echo(f"{envelope_id} {status}")


def _bound(node_dir: Path) -> Node:
    node = node_from(node_dir)
    bind(node)
    return node


def _resolve(node: Node, envelope_id: str, reject_reason: str | None) -> tuple[str, str | None]:
    from borderlink import domains

    domains.register_message_handlers()
    try:
        return resolve_dead_letter(node, envelope_id, reject_reason=reject_reason)
    except NotDeadLettered as exc:
        raise InvalidInput(str(exc)) from exc


@protocol_app.command("schemas")
@friendly_errors
def protocol_schemas(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the schema files into.")],
) -> None:
    """Write the JSON Schemas of the envelope, the receipt and every message kind (docs/protocol.md)."""
    from borderlink import domains
    from borderlink.exchange import protocol

    domains.register_message_handlers()
    written = protocol.write_schemas(out)
    typer.echo(f"wrote {len(written)} schemas to {out}")


def register(app: typer.Typer) -> None:
    app.add_typer(keys_app, name="keys")
    app.add_typer(peer_app, name="peer")
    app.add_typer(exchange_app, name="exchange")
    app.add_typer(protocol_app, name="protocol")



