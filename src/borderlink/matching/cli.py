"""The `borderlink screen` command."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("screen")
    def screen() -> None:
        """Screen queries against a watchlist."""
        raise typer.Exit(code=2)
