"""`borderlink screen`: screen query records against a watchlist, one JSON line per query."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from borderlink.matching.index import WatchlistIndex
from borderlink.matching.models import PersonRecord
from borderlink.matching.records import ErrorReporter, iter_records
from borderlink.matching.scoring import DEFAULT_THRESHOLD

# Files above this size report progress even when stderr is not a terminal.
LARGE_FILE_BYTES = 20_000_000
PROGRESS_EVERY = 100_000
QUERY_BATCH = 5_000


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(2)


def _check_file(path: Path, role: str) -> None:
    if not path.exists():
        _fail(f"{role} file not found: {path}")
    if not path.is_file():
        _fail(f"{role} is not a file: {path}")


def _parse_threshold(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        _fail(f"threshold must be a number between 0 and 1, got {text!r}")
    if not 0.0 <= value <= 1.0:
        _fail(f"threshold must be between 0 and 1, got {text}")
    return value


def _report_bad_line(path: Path) -> ErrorReporter:
    def report(line_number: int, reason: str) -> None:
        typer.echo(f"{path}:{line_number}: skipped: {reason}", err=True)

    return report


def _with_progress(records: Iterable[PersonRecord], path: Path, role: str) -> Iterator[PersonRecord]:
    """Count records on stderr for large files or interactive use."""
    show = sys.stderr.isatty() or path.stat().st_size >= LARGE_FILE_BYTES
    count = 0
    for count, record in enumerate(records, start=1):
        if show and count % PROGRESS_EVERY == 0:
            typer.echo(f"{role}: {count:,} records read", err=True)
        yield record
    if show:
        typer.echo(f"{role}: {count:,} records", err=True)


def _batches(records: Iterable[PersonRecord], size: int) -> Iterator[list[PersonRecord]]:
    batch: list[PersonRecord] = []
    for record in records:
        batch.append(record)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def register(app: typer.Typer) -> None:
    @app.command("screen")
    def screen(
        queries: Annotated[Path, typer.Argument(help="Query records: JSON lines or CSV with a header.")],
        watchlist: Annotated[
            Path,
            typer.Option(
                "--watchlist",
                "-w",
                help="Watchlist: JSON lines, CSV with a header, or FollowTheMoney entities.",
            ),
        ],
        threshold: Annotated[str, typer.Option("--threshold", "-t", help="Alert threshold in [0, 1].")] = str(
            DEFAULT_THRESHOLD
        ),
        limit: Annotated[int, typer.Option("--limit", help="Matches per query at most.")] = 10,
        workers: Annotated[int, typer.Option("--workers", help="Processes screening in parallel.")] = 1,
    ) -> None:
        """Screen QUERIES against a watchlist; print one JSON line per query, best match first."""
        cutoff = _parse_threshold(threshold)
        _check_file(watchlist, "watchlist")
        _check_file(queries, "queries")
        if limit < 1:
            _fail("--limit must be at least 1")
        try:
            entries = iter_records(watchlist, _report_bad_line(watchlist))
            index = WatchlistIndex.build(_with_progress(entries, watchlist, "watchlist"))
            found = iter_records(queries, _report_bad_line(queries))
            for batch in _batches(_with_progress(found, queries, "queries"), QUERY_BATCH):
                results = index.screen_many(batch, cutoff, limit, workers=max(1, workers))
                for query, matches in zip(batch, results, strict=True):
                    line = {
                        "query_id": query.id,
                        "matches": [{"id": m.id, "score": m.score, "explanation": m.explanation} for m in matches],
                    }
                    typer.echo(json.dumps(line, ensure_ascii=False))
        except OSError as exc:
            _fail(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc))
