"""The `borderlink` command: each domain contributes its own sub-commands."""

from __future__ import annotations

import sys

import typer

from borderlink import domains
from borderlink.cli import node_commands

app = typer.Typer(
    name="borderlink",
    help="BorderLink national node: set up, run and operate.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

node_commands.register(app)
for domain in domains.DOMAINS:
    if domain.cli is not None:
        domain.cli(app)


def run() -> None:
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
