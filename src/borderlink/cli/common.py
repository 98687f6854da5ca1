"""Shared CLI plumbing: node directory option, one-line errors, one transaction per command."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, ParamSpec, TypeVar

import typer
from sqlalchemy.exc import SQLAlchemyError

from borderlink.config import load_settings
from borderlink.errors import BorderLinkError
from borderlink.node import Node, open_node
from borderlink.shared.health import describe_database_error

P = ParamSpec("P")
R = TypeVar("R")

NodeDir = Annotated[
    Path,
    typer.Option("--node-dir", "-d", help="The node directory (config, keys, embedded database).",
                 file_okay=False, resolve_path=True),
]


def fail(message: str, code: int = 2) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code)


def friendly_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn expected failures into one line on stderr and a non-zero exit, never a traceback."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except BorderLinkError as exc:
            fail(str(exc))
        except SQLAlchemyError as exc:
            # A damaged or missing database is an operator's matter, not a programming error.
            fail(f"database: {describe_database_error(exc)}")
        except OSError as exc:
            fail(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc))

    return wrapper


def node_from(node_dir: Path) -> Node:
    return open_node(load_settings(node_dir))


def echo_json(data: Any) -> None:
    import json

    sys.stdout.write(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n")
