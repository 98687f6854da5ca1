"""`borderlink mrz parse`: read machine-readable zones from a file or stdin, one JSON line per zone."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
from pathlib import Path
from typing import Annotated, TextIO

import typer

from borderlink.cli.common import fail, friendly_errors
from borderlink.gates import mrz

mrz_app = typer.Typer(help="Machine-readable zones of passports, ID cards and visas (ICAO Doc 9303).",
                      no_args_is_help=True)


def _today(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        fail(f"--today must be a date YYYY-MM-DD, got {text!r}")


def _open(source: str) -> TextIO:
    # Undecodable bytes become replacement characters, which the reader reports as not allowed.
    if source == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace", newline="")
    path = Path(source)
    if not path.is_file():
        fail(f"not a file: {source}")
    return path.open(encoding="utf-8", errors="replace", newline="")


@mrz_app.command("parse")
@friendly_errors
def parse(
    source: Annotated[str, typer.Argument(metavar="FILE", help="Zones separated by blank lines; - for stdin.")],
    today: Annotated[
        str | None,
        typer.Option("--today", help="The date (YYYY-MM-DD) that fixes two-digit years and expiry; default today."),
    ] = None,
) -> None:
    """Print one JSON line per zone, in order: its fields, each check, and the errors of a bad zone."""
    moment = _today(today)
    with _open(source) as stream:
        for block in mrz.iter_blocks(stream):
            result = mrz.parse(block, today=moment)
            sys.stdout.write(json.dumps(result.as_json(), ensure_ascii=False) + "\n")


def register(app: typer.Typer) -> None:
    app.add_typer(mrz_app, name="mrz")
