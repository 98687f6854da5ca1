"""Is the node able to work: its database readable and at the current schema, its peer links.

`serve` refuses to start on a database that fails the thorough check; `/health` runs the quick
one on every call and answers 503 while the database cannot be used, so a load balancer or an
operator sees the fault instead of users meeting bare errors."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
from collections.abc import Iterator
from typing import Any

from alembic.script import ScriptDirectory
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DatabaseError, IntegrityError

from borderlink.exchange.keys import load_peer
from borderlink.node import Node
from borderlink.shared.retry import passes_to_retry

log = logging.getLogger("borderlink.health")

# A peer not heard from for this long is shown as quiet.
PEER_QUIET_SECONDS = 15 * 60


def describe_database_error(exc: BaseException) -> str:
    """One line that says what is wrong with the database and what to do about it."""
    orig = getattr(exc, "orig", None)
    lines = str(orig if orig is not None else exc).strip().splitlines()
    reason = lines[0] if lines else type(exc).__name__
    lowered = reason.lower()
    if "not a database" in lowered or "malformed" in lowered or "corrupt" in lowered:
        return f"the database is damaged ({reason}); restore it from a backup"
    if "no such table" in lowered or ("relation" in lowered and "does not exist" in lowered):
        return f"{reason} (has 'borderlink db upgrade' been run?)"
    return reason


@contextlib.contextmanager
def _reading(engine: Engine) -> Iterator[Any]:
    """A DBAPI cursor outside any transaction the node's sessions would open: on SQLite those
    take the write lock first, and a health check must not queue behind a writer."""
    connection = engine.raw_connection()
    try:
        cursor = connection.cursor()
        try:
            yield cursor
        finally:
            cursor.close()
    finally:
        connection.close()


def _schema_heads() -> set[str]:
    from borderlink.migrate import alembic_config

    return set(ScriptDirectory.from_config(alembic_config("sqlite://")).get_heads())


def database_problem(engine: Engine, *, thorough: bool = False) -> str | None:
    """None when the database can be used; otherwise one line saying why not.

    The quick check reads the schema version. The thorough one (at start) also has SQLite read
    every page (`PRAGMA quick_check`) and compares the schema with this version's migrations."""
    try:
        with _reading(engine) as cursor:
            if thorough and engine.dialect.name == "sqlite":
                cursor.execute("PRAGMA quick_check(5)")
                findings = [str(row[0]) for row in cursor.fetchall()]
                if findings != ["ok"]:
                    return f"the database is damaged ({findings[0]}); restore it from a backup"
            cursor.execute("SELECT version_num FROM alembic_version")
            current = {str(row[0]) for row in cursor.fetchall()}
    except Exception as exc:  # the driver's own errors: the check is there to catch any of them
        return describe_database_error(exc)
    if not current:
        return "the database has no schema (run 'borderlink db upgrade')"
    if thorough and current != _schema_heads():
        return (f"the database schema is at {', '.join(sorted(current))}, not at this version's "
                "(run 'borderlink db upgrade')")
    return None


@dataclasses.dataclass(frozen=True, slots=True)
class PeerState:
    party: str
    state: str  # ok, quiet (not heard from for a while), failing (last attempts failed), unknown
    last_contact_at: dt.datetime | None
    consecutive_failures: int


def _aware(value: Any) -> dt.datetime | None:
    if value is None:
        return None
    when = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(str(value))
    return when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)


def peer_states(node: Node) -> list[PeerState]:
    now = node.clock.now()
    with _reading(node.engine) as cursor:
        cursor.execute("SELECT party, consecutive_failures, last_contact_at FROM exchange_peer_links "
                       "ORDER BY party")
        rows = cursor.fetchall()
    states = []
    for party, failures, last_contact in rows:
        contact = _aware(last_contact)
        if failures:
            state = "failing"
        elif contact is None:
            state = "unknown"
        else:
            state = "ok" if (now - contact).total_seconds() <= PEER_QUIET_SECONDS else "quiet"
        states.append(PeerState(str(party), state, contact, int(failures)))
    configured = _configured_peer(node)
    if configured is not None and configured not in {state.party for state in states}:
        # The link's row is written at first contact; until then the peer is known but unheard.
        states.append(PeerState(configured, "unknown", None, 0))
        states.sort(key=lambda state: state.party)
    return states


def _configured_peer(node: Node) -> str | None:
    try:
        peer = load_peer(node.settings)
    except (OSError, ValueError, KeyError) as exc:  # a damaged peer file is not a database fault
        log.error("health: the peer's identity file cannot be read: %s", exc)
        return None
    return peer.party if peer is not None else None


def report(node: Node) -> tuple[int, dict[str, Any]]:
    """The status code and body of `/health`: 503 while the database cannot be used."""
    problem = database_problem(node.engine)
    try:
        peers = peer_states(node) if problem is None else []
    except Exception as exc:  # as in database_problem: any driver error means the same
        problem = describe_database_error(exc)
    if problem is not None:
        log.error("health: %s", problem)
        return 503, {"status": "unavailable", "node": node.party, "database": "unavailable"}
    return 200, {"status": "ok", "node": node.party, "database": "ok", "peers": [
        {"party": peer.party, "state": peer.state, "consecutive_failures": peer.consecutive_failures,
         "last_contact_at": peer.last_contact_at.isoformat() if peer.last_contact_at else None}
        for peer in peers
    ]}


async def _database_unavailable(request: Request, exc: Exception) -> Response:
    """A request that met a database which cannot be used answers 503 with a plain reason, not a
    bare 500; a constraint violation is a fault of the request or the code and is not this."""
    if isinstance(exc, IntegrityError) or passes_to_retry(request, exc):
        raise exc  # a lost transaction is run again once by `shared.retry`, before any answer
    log.error("%s %s: %s", request.method, request.url.path, describe_database_error(exc))
    return JSONResponse({"detail": "the node's database cannot be used at the moment; try again later"},
                        status_code=503, headers={"Retry-After": "30"})


def install(app: FastAPI, node: Node) -> None:
    app.add_exception_handler(DatabaseError, _database_unavailable)

    @app.get("/health", include_in_schema=True, tags=["node"])
    def health() -> JSONResponse:
        """The node's state: 200 when it can work, 503 while its database cannot be used."""
        status, body = report(node)
        return JSONResponse(body, status_code=status)
