"""Account commands: create users and API tokens from the shell."""

from __future__ import annotations

import getpass
import os
from pathlib import Path
from typing import Annotated

import typer

from borderlink.cli.common import NodeDir, friendly_errors, node_from
from borderlink.directory import accounts
from borderlink.errors import InvalidInput

user_app = typer.Typer(help="Manage user accounts.", no_args_is_help=True)
token_app = typer.Typer(help="Manage API tokens.", no_args_is_help=True)


@user_app.command("create")
@friendly_errors
def user_create(
    node_dir: NodeDir,
    username: Annotated[str, typer.Option(help="Login name (lower-case).")],
    unit: Annotated[str, typer.Option(help="Unit code, e.g. VN-QN-MONGCAI.")],
    role: Annotated[str, typer.Option(help="admin, commander, officer, analyst or viewer.")],
    display_name: Annotated[str | None, typer.Option(help="Full name shown in the interface.")] = None,
    password_file: Annotated[
        Path | None, typer.Option(help="Read the password from this file instead of prompting.")
    ] = None,
) -> None:
    """Create a user account in one of this node's units."""
    password = _read_password(password_file)
    node = node_from(node_dir)
    with node.transaction() as session:
        user = accounts.create_user(
            session, username=username, password=password, unit_code=unit, role=role,
            display_name=display_name, now=node.clock.now(),
        )
        typer.echo(f"created user {user.username} ({user.role.value}) in {unit}")


def _read_password(password_file: Path | None) -> str:
    if password_file is not None:
        return password_file.read_text(encoding="utf-8").strip()
    from_env = os.environ.get("BORDERLINK_PASSWORD")
    if from_env:
        return from_env
    if not os.isatty(0):
        raise InvalidInput("no password: use --password-file, BORDERLINK_PASSWORD or a terminal")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Repeat password: "):
        raise InvalidInput("the two passwords differ")
    return first


@token_app.command("create")
@friendly_errors
def token_create(
    node_dir: NodeDir,
    username: Annotated[str, typer.Option(help="The user the token acts as.")],
    name: Annotated[str, typer.Option(help="What the token is for.")] = "cli",
) -> None:
    """Create an API token and print it. It is shown only this once."""
    node = node_from(node_dir)
    with node.transaction() as session:
        user = accounts.find_user(session, username)
        _, secret = accounts.create_token(session, user, name, node.clock.now())
    typer.echo(secret)


def register(app: typer.Typer) -> None:
    app.add_typer(user_app, name="user")
    app.add_typer(token_app, name="token")
