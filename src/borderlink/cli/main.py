"""The `borderlink` command: each domain contributes its own sub-commands."""

from __future__ import annotations

import sys

import typer

from borderlink.audit import cli as audit_cli
from borderlink.cli import node_commands
from borderlink.directory import cli as directory_cli
from borderlink.exchange import cli as exchange_cli
from borderlink.gates import cli as gates_cli
from borderlink.matching import cli as matching_cli

app = typer.Typer(
    name="borderlink",
    help="BorderLink national node: set up, run and operate.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

node_commands.register(app)
directory_cli.register(app)
audit_cli.register(app)
matching_cli.register(app)
exchange_cli.register(app)
gates_cli.register(app)


def run() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
