"""`borderlink alerts import` and `borderlink alerts export`: alerts in bulk, from and to
FollowTheMoney JSON lines and CSV with a header."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from borderlink.alerts.bulk_export import FORMATS, export_alerts
from borderlink.alerts.bulk_import import Progress, import_records
from borderlink.alerts.bulk_input import Defaults
from borderlink.alerts.bulk_read import count_records, file_format, read_records
from borderlink.alerts.models import AlertKind
from borderlink.audit.service import ACTOR_INFO, Actor
from borderlink.cli.common import NodeDir, fail, friendly_errors, node_from
from borderlink.directory import accounts
from borderlink.directory import service as directory
from borderlink.directory.models import Role
from borderlink.directory.permissions import Principal
from borderlink.exchange.context import bind

alerts_app = typer.Typer(help="Shared alerts in bulk: import and export.", no_args_is_help=True)

# Files above this many records show their progress even when stderr is not a terminal.
LARGE_IMPORT = 10_000
# The shell's operator issues an import's alerts for the unit as its commander would.
OPERATOR_ROLE = Role.COMMANDER


def _operator(session: Session, unit_code: str, username: str | None, file_name: str) -> Principal:
    """Who issues the alerts: the named user (of that unit), or the node's operator acting for it."""
    unit = directory.get_unit_by_code(session, unit_code)
    if unit.party_code != directory.local_party(session).code:
        fail(f"unit {unit_code} is not a unit of this node")
    if username is not None:
        principal = accounts.principal_for(session, accounts.find_user(session, username))
        if principal.unit_id != unit.id:
            fail(f"user {username} belongs to {principal.unit_code}, not {unit_code}")
        return principal
    return Principal(
        user_id="", username="operator", display_name=f"import of {file_name}", role=OPERATOR_ROLE,
        unit_id=unit.id, unit_code=unit.code, unit_tier=unit.tier, party=unit.party_code,
        scope_unit_ids=directory.descendant_ids(session, unit.id), language="en", timezone="UTC",
    )


def _several(text: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").split(",") if part.strip())


@alerts_app.command("import")
@friendly_errors
def import_command(
    node_dir: NodeDir,
    source: Annotated[Path, typer.Argument(
        metavar="FILE", help="FtM Person entities (JSON lines) or CSV with a header.", exists=True, dir_okay=False,
        readable=True)],
    kind: Annotated[AlertKind, typer.Option(help="The kind of every alert of the file.")],
    unit: Annotated[str, typer.Option(help="The issuing (owner) unit, e.g. VN-BGC.")],
    user: Annotated[str | None, typer.Option(
        help="Issue as this user of the unit (default: the node operator).")] = None,
    offence: Annotated[str | None, typer.Option(help="ICCS offence code for records without one.")] = None,
    action: Annotated[str | None, typer.Option(help="Action on a hit for records without one.")] = None,
    handling_code: Annotated[str | None, typer.Option(help="H0 to H3 for records without one.")] = None,
    legal_basis: Annotated[str | None, typer.Option(help="Decision or warrant number (wanted alerts).")] = None,
    authority: Annotated[str | None, typer.Option(help="The authority of the legal basis.")] = None,
    decided: Annotated[str | None, typer.Option(help="The date of the legal basis, YYYY-MM-DD.")] = None,
    distribution: Annotated[str | None, typer.Option(
        help="all, provincial_and_central, or the other side's border-gate codes separated by commas.")] = None,
    expires: Annotated[str | None, typer.Option(help="Expiry (YYYY-MM-DD); default: the kind's validity.")] = None,
    progress: Annotated[bool | None, typer.Option(
        "--progress/--no-progress", help="Show progress (default: on a terminal or for large files).")] = None,
) -> None:
    """Issue one alert per record of FILE through the same checks as the API. Bad records are
    reported as FILE:LINE: reason and leave nothing behind; the others are imported. Exits 1 when
    some record was refused."""
    basis = {key: value for key, value in (("reference", legal_basis), ("authority", authority),
                                           ("date", decided)) if value}
    defaults = Defaults(kind=kind.value, offence_code=offence, action=action,
                        handling_code=handling_code.upper() if handling_code else None, legal_basis=basis,
                        distribution=_several(distribution), expires_at=expires)
    total = count_records(source)
    bar = Progress(total, shown=progress if progress is not None else (sys.stderr.isatty() or total >= LARGE_IMPORT))
    node = node_from(node_dir)
    bind(node)  # an issued alert is published to the other side through the exchange's outbox
    with node.transaction() as session:
        principal = _operator(session, unit, user, source.name)
        session.info[ACTOR_INFO] = Actor(principal.user_id or None, principal.unit_id, f"cli:alerts-import@{unit}")
        report = import_records(session, principal, read_records(source), defaults, node.clock.now(), bar.advance)
    bar.finish()
    for bad in sorted(report.refused, key=lambda b: b.line):
        typer.echo(f"{source}:{bad.line}: refused: {bad.reason}", err=True)
    for item in report.imported:
        origin = f" (from {item.source_id})" if item.source_id else ""
        left_out = f"; not imported: {', '.join(item.left_out)}" if item.left_out else ""
        typer.echo(f"line {item.line}: alert {item.alert_id} {item.status}{origin}{left_out}")
    by_status: dict[str, int] = {}
    for item in report.imported:
        by_status[item.status] = by_status.get(item.status, 0) + 1
    statuses = ", ".join(f"{count} {status}" for status, count in sorted(by_status.items()))
    typer.echo(f"{file_format(source)}: imported {len(report.imported)} alerts"
               f"{f' ({statuses})' if statuses else ''}, refused {len(report.refused)} records")
    if report.refused:
        raise typer.Exit(1)


@alerts_app.command("export")
@friendly_errors
def export_command(
    node_dir: NodeDir,
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write here instead of standard output.",
                                             dir_okay=False)] = None,
    format_: Annotated[str, typer.Option("--format", help="ftm (JSON lines of Person entities) or csv.")] = "ftm",
    side: Annotated[str | None, typer.Option(help="owner (issued here) or replica (the other side's).")] = None,
) -> None:
    """Write the node's active alerts; the other side's alerts whose handling code forbids onward
    sharing (H2, H3) and hidden ones stay out. The export is audited."""
    if format_ not in FORMATS:
        fail(f"--format must be one of {', '.join(FORMATS)}, got {format_!r}")
    if side not in (None, "owner", "replica"):
        fail(f"--side must be owner or replica, got {side!r}")
    node = node_from(node_dir)
    with node.transaction(Actor(None, None, "cli:alerts-export")) as session:
        if out is None:
            written, withheld = export_alerts(session, node.party, sys.stdout, format_, side)
        else:
            with out.open("w", encoding="utf-8", newline="") as handle:
                written, withheld = export_alerts(session, node.party, handle, format_, side)
    typer.echo(f"exported {written} alerts" + (f"; withheld {withheld} of the other side's (handling code)"
                                               if withheld else ""), err=True)


def register(app: typer.Typer) -> None:
    app.add_typer(alerts_app, name="alerts")

